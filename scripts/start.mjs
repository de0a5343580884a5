// `npm start`: install what is missing, build (libs, apps and the web UI), and run `osprey server local` (UI and API on :8080).
// Extra arguments pass through: `npm start -- --port 9090 --data-dir /tmp/osprey`.
import { spawn } from 'node:child_process';
import { build, ensureDependencies } from './ensure-deps.mjs';

ensureDependencies();
build();
const child = spawn(process.execPath, ['apps/cli/dist/main.js', 'server', 'local', ...process.argv.slice(2)], { stdio: 'inherit' });
for (const signal of ['SIGINT', 'SIGTERM']) process.on(signal, () => child.kill(signal));
child.on('exit', (code, signal) => process.exit(code ?? (signal ? 1 : 0)));
