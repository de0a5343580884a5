// The public surface of the SDK: what a plugin package imports to declare its task types (see docs/plugins.md).
import { pluginHost, type PluginHost } from './host.js';

export { bindPluginHost, PLUGIN_HOST, type PluginHost } from './host.js';
export * from './run-context.js';
export * from './task-type.js';

/**
 * The property kinds Osprey's own tasks are declared with (`prop.string()`, `prop.integer()`, `prop.enumOf([...])`,
 * ...) and zod, both taken from the Osprey process that loads the plugin.
 */
const host = await pluginHost();
export const prop: PluginHost['prop'] = host.prop;
export const z: PluginHost['z'] = host.z;
