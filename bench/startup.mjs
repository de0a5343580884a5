// `npm run bench:startup [-- --runs N] [-- --write]`: how long the built `osprey` command takes to answer, each case
// run N times as a fresh child process: `--help`, `--version`, `flow validate` (one flow file) until exit, and
// `server local` until GET /health/ready answers 200 (on a fresh data dir each time, and on one that exists with its
// schema up to date). Prints a markdown table (median, p90, max, peak RSS); --write puts it into docs/benchmarks.md.
// It measures and asserts nothing.
import { spawn } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import { freePort } from '../scripts/servers/_process.mjs';
import { describeMachine } from './machine.mjs';
import { writeDoc } from './report.mjs';
import { mb, ms, percentile } from './stats.mjs';

const USAGE = `usage: npm run bench:startup -- [options]   (or node bench/startup.mjs after npm run build)
  --runs <n>        runs of each case (default 10)
  --only <names>    comma-separated subset of: help, version, validate, server-fresh, server-existing
  --cli <main.js>   measure another build of the CLI (e.g. another checkout's apps/cli/dist/main.js) for comparison
  --write           write the table into docs/benchmarks.md`;

const FLOW = `id: hello
namespace: company.team
inputs:
  - id: name
    type: STRING
    defaults: world
tasks:
  - id: say
    type: io.kestra.plugin.core.log.Log
    message: "Hello {{ inputs.name }}"
  - id: each
    type: io.kestra.plugin.core.flow.ForEach
    values: [1, 2]
    tasks:
      - id: inner
        type: io.kestra.plugin.core.debug.Return
        format: "{{ taskrun.value }}"
`;

/**
 * Writes the process's peak RSS (bytes) and CPU time (ms, user + system) to a file as it exits (getrusage): the only
 * figures left once a short command ended.
 */
const USAGE_PRELOAD =
  'data:text/javascript,' +
  encodeURIComponent(
    "import { writeFileSync } from 'node:fs'; process.on('exit', () => { const u = process.resourceUsage(); writeFileSync(process.env.OSPREY_BENCH_USAGE_FILE, JSON.stringify({ peakRss: u.maxRSS * 1024, cpuMs: (u.userCPUTime + u.systemCPUTime) / 1000 })); });",
  );

const CASES = [
  { name: 'help', title: '`osprey --help`', until: 'exit', args: () => ['--help'] },
  { name: 'version', title: '`osprey --version`', until: 'exit', args: () => ['--version'] },
  { name: 'validate', title: '`osprey flow validate <one flow>`', until: 'exit', args: (ctx) => ['flow', 'validate', ctx.flowFile] },
  { name: 'server-fresh', title: '`osprey server local`, new data dir, until /health/ready is 200', until: 'ready', fresh: true },
  { name: 'server-existing', title: '`osprey server local`, existing data dir, until /health/ready is 200', until: 'ready', fresh: false },
];

export async function runStartupBenchmark(argv, root) {
  const { values } = parseArgs({
    args: argv,
    options: {
      runs: { type: 'string', default: '10' },
      only: { type: 'string' },
      cli: { type: 'string' },
      write: { type: 'boolean', default: false },
      help: { type: 'boolean', default: false },
    },
  });
  if (values.help) {
    console.log(USAGE);
    return 0;
  }
  const runs = Number(values.runs);
  const names = values.only ? values.only.split(',').map((s) => s.trim()) : CASES.map((c) => c.name);
  const unknown = names.filter((n) => !CASES.some((c) => c.name === n));
  if (!Number.isInteger(runs) || runs < 1 || unknown.length > 0) {
    console.error(`${unknown.length ? `unknown case(s): ${unknown.join(', ')}` : '--runs: expected a positive integer'}\n${USAGE}`);
    return 2;
  }
  const machine = describeMachine(root);
  const work = await mkdtemp(join(tmpdir(), 'osprey-startup-'));
  const cli = resolve(values.cli ?? join(root, 'apps/cli/dist/main.js'));
  const ctx = { cli, work, flowFile: join(work, 'hello.yml'), existingDir: join(work, 'existing') };
  await writeFile(ctx.flowFile, FLOW);
  const rows = [];
  try {
    for (const c of CASES.filter((c) => names.includes(c.name))) {
      process.stdout.write(`${c.title} x ${runs}... `);
      // The existing data dir gets its database and schema from one start that is not counted.
      if (c.until === 'ready' && !c.fresh) await startUntilReady(ctx, ctx.existingDir);
      const samples = [];
      for (let i = 0; i < runs; i++) {
        samples.push(c.until === 'exit' ? await runUntilExit(ctx, c.args(ctx)) : await startUntilReady(ctx, c.fresh ? join(work, `fresh-${i}`) : ctx.existingDir));
      }
      const times = samples.map((s) => s.ms);
      const row = {
        case: c,
        median: percentile(times, 50),
        p90: percentile(times, 90),
        max: Math.max(...times),
        cpu: percentile(samples.map((s) => s.cpuMs), 50),
        peakRss: Math.max(...samples.map((s) => s.peakRss)),
      };
      rows.push(row);
      console.log(`median ${ms(row.median)}, CPU ${ms(row.cpu)}`);
    }
  } finally {
    await rm(work, { recursive: true, force: true });
  }
  const section = renderStartup(machine, rows, runs, values.cli ? cli : undefined);
  console.log(`\n${section}\n`);
  if (values.write) {
    await writeDoc(join(root, 'docs/benchmarks.md'), section, '# Benchmarks\n', 'startup');
    console.log('Wrote docs/benchmarks.md');
  }
  return 0;
}

function renderStartup(machine, rows, runs, otherCli) {
  return [
    `Measured ${machine.date.slice(0, 10)} ${otherCli ? `with the CLI build ${otherCli}` : `at commit \`${machine.commit}\``}, ${runs} runs of each case.`,
    '',
    `- CPU: ${machine.cpuModel}, ${machine.cores} cores; ${machine.memoryGb.toFixed(0)} GB memory; ${machine.kernel}`,
    `- 1-minute load average before the run: ${machine.loadBefore.toFixed(2)} (the machine is shared; other work skews the numbers)`,
    `- Node ${machine.node}; \`node apps/cli/dist/main.js ...\` as a child process, timed from spawn`,
    '',
    '| Command | median | p90 | max | CPU time (median) | peak RSS (largest run) |',
    '|---|---|---|---|---|---|',
    ...rows.map((r) => `| ${r.case.title} | ${ms(r.median)} | ${ms(r.p90)} | ${ms(r.max)} | ${ms(r.cpu)} | ${mb(r.peakRss)} |`),
  ].join('\n');
}

function spawnCli(ctx, args, usageFile) {
  return spawn(process.execPath, [`--import=${USAGE_PRELOAD}`, ctx.cli, ...args], {
    cwd: ctx.work,
    stdio: ['ignore', 'ignore', 'pipe'],
    env: { ...process.env, NODE_ENV: 'production', OSPREY_BENCH_USAGE_FILE: usageFile },
  });
}

/** One short command, from spawn to exit. */
async function runUntilExit(ctx, args) {
  const usageFile = join(ctx.work, 'usage.json');
  await rm(usageFile, { force: true });
  const started = performance.now();
  const child = spawnCli(ctx, args, usageFile);
  let stderr = '';
  child.stderr.on('data', (chunk) => (stderr += chunk));
  const code = await new Promise((resolve, reject) => {
    child.once('error', reject);
    child.once('exit', resolve);
  });
  const elapsed = performance.now() - started;
  if (code !== 0) throw new Error(`osprey ${args.join(' ')} exited with code ${code}: ${stderr}`);
  return { ms: elapsed, ...JSON.parse(await readFile(usageFile, 'utf8')) };
}

/**
 * `server local` on a free port, from spawn to the first 200 of /health/ready; its peak RSS (VmHWM) and CPU time
 * (/proc/<pid>/stat, at 100 Hz) then; then SIGTERM.
 */
async function startUntilReady(ctx, dataDir, timeoutMs = 60_000) {
  const port = await freePort();
  const started = performance.now();
  const child = spawnCli(ctx, ['server', 'local', '--data-dir', dataDir, '--port', String(port)], join(ctx.work, 'usage-server.json'));
  let stderr = '';
  child.stderr.on('data', (chunk) => (stderr += chunk));
  let exited = false;
  const exit = new Promise((resolve) => child.once('exit', (code) => ((exited = true), resolve(code))));
  try {
    while (!(await ready(port))) {
      if (exited) throw new Error(`osprey server local exited before it was ready: ${stderr}`);
      if (performance.now() - started > timeoutMs) throw new Error(`osprey server local was not ready within ${timeoutMs} ms`);
      await new Promise((resolve) => setTimeout(resolve, 5));
    }
    const elapsed = performance.now() - started;
    const status = await readFile(`/proc/${child.pid}/status`, 'utf8').catch(() => '');
    const stat = await readFile(`/proc/${child.pid}/stat`, 'utf8').catch(() => '');
    const peakKb = /^VmHWM:\s+(\d+) kB/m.exec(status)?.[1];
    // utime and stime: the 14th and 15th fields, the 12th and 13th after the parenthesised command name.
    const ticks = stat ? stat.slice(stat.lastIndexOf(')') + 2).split(' ') : [];
    return { ms: elapsed, peakRss: peakKb ? Number(peakKb) * 1024 : Number.NaN, cpuMs: ticks.length ? (Number(ticks[11]) + Number(ticks[12])) * 10 : Number.NaN };
  } finally {
    if (!exited) child.kill('SIGTERM');
    await exit;
  }
}

function ready(port) {
  return new Promise((resolve) => {
    const req = request({ host: '127.0.0.1', port, path: '/health/ready', agent: false }, (res) => {
      res.resume();
      resolve(res.statusCode === 200);
    });
    req.once('error', () => resolve(false));
    req.end();
  });
}

if (import.meta.url === pathToFileURL(process.argv[1]).href) {
  const root = fileURLToPath(new URL('..', import.meta.url));
  process.exitCode = await runStartupBenchmark(process.argv.slice(2), root);
}
