// `npm run bench`: install what is missing, build, then run the benchmarks in bench/ against a real
// `osprey server local` child process. Arguments pass through: `npm run bench -- --quick`.
import { fileURLToPath } from 'node:url';
import { build, ensureDependencies } from './ensure-deps.mjs';

const root = fileURLToPath(new URL('..', import.meta.url));
process.chdir(root);
ensureDependencies();
build();
// `npm run bench:startup` passes `startup` first: the start-up times of the CLI instead of the engine benchmarks;
// `npm run bench:transport` passes `transport`: the queue transport's cost per delivered message.
const [first, ...rest] = process.argv.slice(2);
if (first === 'startup') {
  const { runStartupBenchmark } = await import('../bench/startup.mjs');
  process.exitCode = await runStartupBenchmark(rest, root);
} else if (first === 'transport') {
  const { runTransportOverhead } = await import('../bench/transport-overhead.mjs');
  process.exitCode = await runTransportOverhead(rest, root);
} else {
  const { runBenchmarks } = await import('../bench/run-benchmarks.mjs');
  process.exitCode = await runBenchmarks(process.argv.slice(2), root);
}
