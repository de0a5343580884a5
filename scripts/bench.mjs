// `npm run bench`: install what is missing, build, then run the benchmarks in bench/ against a real
// `osprey server local` child process. Arguments pass through: `npm run bench -- --quick`.
import { fileURLToPath } from 'node:url';
import { build, ensureDependencies } from './ensure-deps.mjs';

const root = fileURLToPath(new URL('..', import.meta.url));
process.chdir(root);
ensureDependencies();
build();
const { runBenchmarks } = await import('../bench/run-benchmarks.mjs');
process.exitCode = await runBenchmarks(process.argv.slice(2), root);
