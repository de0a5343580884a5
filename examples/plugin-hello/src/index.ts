// The package's default export is what Osprey loads (`plugins: [osprey-plugin-hello]` in its configuration).
import { definePlugin } from '@osprey/plugin-sdk';
import { Hello } from './hello.js';

export { Hello };
export default definePlugin({ tasks: [Hello] });
