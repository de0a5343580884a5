// `npm run bench:transport [-- options]` (or `node bench/transport-overhead.mjs` after `npm run build`): what the
// queue transport costs per delivered message. The same claimed batches of execution events are delivered three ways,
// in-process on the built code (dist): through the Nest transport (ExecutionEventsConsumer -> QueueTransport ->
// Nest's RPC pipeline with the server's global guard and filter and the queue handlers' interceptor and filter ->
// the `@EventPattern` handler), through the consumer alone (its dispatch calling the handler function), and by a
// plain loop calling the handler function. Then it counts the messages one 2-task execution causes in a real
// `server local` (in this process, on a temp SQLite file). Prints markdown tables; measures and asserts nothing.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { describeMachine } from './machine.mjs';
import { percentile } from './stats.mjs';

const USAGE = `usage: npm run bench:transport -- [options]   (or node bench/transport-overhead.mjs after npm run build)
  --messages <n>     messages (executions' event groups) delivered per round and path (default 20000)
  --batch <n>        executions per claim, the executor's batchSize (default 64)
  --rounds <n>       measured rounds of each path, after one warm-up round (default 7)
  --work <kind>      what the handler does: none (returns) or sum (adds up its events' seq) (default none)
  --executions <n>   2-task executions run in \`server local\` to count their messages, per case (default 100; 0: skip)`;

const MESSAGE_PATHS = [
  { name: 'nest', title: 'Nest transport: consumer → `QueueTransport.dispatch` → guard, interceptor, filter → `@EventPattern` handler' },
  { name: 'consumer', title: 'the consumer alone: `ExecutionEventsConsumer` → its dispatch calling the handler' },
  { name: 'loop', title: 'plain loop: group each batch by execution, `await` the handler' },
];

const CONSUMER_ID = 'bench-transport';

export async function runTransportOverhead(argv, root) {
  const { values } = parseArgs({
    args: argv,
    options: {
      messages: { type: 'string', default: '20000' },
      batch: { type: 'string', default: '64' },
      rounds: { type: 'string', default: '7' },
      work: { type: 'string', default: 'none' },
      executions: { type: 'string', default: '100' },
      help: { type: 'boolean', default: false },
    },
  });
  if (values.help) {
    console.log(USAGE);
    return 0;
  }
  const messages = Number(values.messages);
  const batch = Number(values.batch);
  const rounds = Number(values.rounds);
  const executions = Number(values.executions);
  for (const [flag, value, min] of [['--messages', messages, 1], ['--batch', batch, 1], ['--rounds', rounds, 1], ['--executions', executions, 0]]) {
    if (!Number.isInteger(value) || value < min) {
      console.error(`${flag} must be an integer >= ${min}\n${USAGE}`);
      return 2;
    }
  }
  if (values.work !== 'none' && values.work !== 'sum') {
    console.error(`--work must be none or sum\n${USAGE}`);
    return 2;
  }
  const machine = describeMachine(root);
  const dataDir = await mkdtemp(join(tmpdir(), 'osprey-bench-transport-'));
  try {
    const delivery = await measureDelivery({ dataDir, messages, batch, rounds, work: values.work });
    const counts = executions > 0 ? await countMessagesPerExecution({ dataDir: join(dataDir, 'server'), executions }) : undefined;
    console.log(`\n${render({ machine, messages, batch, rounds, work: values.work, delivery, counts })}\n`);
  } finally {
    await rm(dataDir, { recursive: true, force: true });
  }
  return 0;
}

/**
 * The claimed batches: `messages` executions' events emitted to a SQLite queue and claimed `batch` executions at a
 * time, as the executor claims them (one event per execution: one message each). Claimed once, delivered every round.
 */
async function claimBatches(queue, messages, batch) {
  for (let i = 0; i < messages; i += 1000) {
    await queue.events.emit(Array.from({ length: Math.min(1000, messages - i) }, (_, j) => ({ executionId: `exec-${i + j}`, event: { type: 'kill' } })));
  }
  const batches = [];
  const t0 = performance.now();
  const cpu0 = process.cpuUsage();
  for (;;) {
    const claimed = await queue.events.claim(CONSUMER_ID, batch, 3_600_000);
    if (claimed.length === 0) break;
    batches.push(claimed);
  }
  const cpu = process.cpuUsage(cpu0);
  const claimedCount = batches.reduce((sum, b) => sum + b.length, 0);
  if (claimedCount !== messages) throw new Error(`claimed ${claimedCount} events of ${messages}`);
  return { batches, claimUs: ((performance.now() - t0) * 1000) / messages, claimCpuUs: (cpu.user + cpu.system) / messages };
}

/**
 * An execution event queue that hands out the prepared batches, one per claim, and then waits for the next round:
 * the consumer's loop runs as in the server, without the store's own cost in the measure.
 */
class ReplayQueue {
  pending = [];
  wakeUp = undefined;

  load(batches) {
    this.pending = [...batches];
    this.wakeUp?.();
  }

  async claim() {
    return this.pending.shift() ?? [];
  }

  async release() {}

  async emit() {}

  async depth() {
    return this.pending.length;
  }

  waitForEvents(_timeoutMs, signal) {
    return new Promise((resolve) => {
      const done = () => {
        this.wakeUp = undefined;
        signal?.removeEventListener('abort', done);
        resolve();
      };
      this.wakeUp = done;
      signal?.addEventListener('abort', done, { once: true });
    });
  }
}

/** Counts the handler's calls and resolves `done` when a round's messages were all handled. */
class Delivered {
  count = 0;
  target = 0;
  checksum = 0;
  resolveDone = undefined;

  expect(target) {
    this.count = 0;
    this.target = target;
    return new Promise((resolve) => (this.resolveDone = resolve));
  }

  handled(message, work) {
    // The fixed trivial work: read every event of the message (what any real handler does at least).
    if (work === 'sum') for (const event of message.events) this.checksum += event.seq;
    if (++this.count === this.target) this.resolveDone?.();
  }
}

async function measureDelivery({ dataDir, messages, batch, rounds, work }) {
  const { openSqliteQueue } = await import('@osprey/queue/sql');
  const { createLogger } = await import('@osprey/server');
  const services = await import('@osprey/services');
  const { NestFactory } = await import('@nestjs/core');
  const { Module } = await import('@nestjs/common');
  const { EventPattern, Payload } = await import('@nestjs/microservices');
  // Not exported by the package: the decorator and the server's global guard and filter, from the built files.
  const dist = (path) => import(new URL(`../libs/services/dist/${path}`, import.meta.url).href);
  const { QueueHandlers } = await dist('transport/queue-handlers.decorator.js');
  const { DeclaredQueryGuard } = await dist('webserver/declared-query.guard.js');
  const { ErrorFilter } = await dist('webserver/error.filter.js');
  const { ExecutionEventsConsumer, QueueTransport, EXECUTION_EVENTS_PATTERN, OspreyMetrics } = services;

  const queue = await openSqliteQueue(join(dataDir, 'queue.db'));
  const logger = createLogger({ service: 'bench', instance: 'bench', level: 'warn' });
  const delivered = new Delivered();
  process.stdout.write(`Claiming ${messages} events from SQLite, ${batch} executions per claim... `);
  const { batches, claimUs, claimCpuUs } = await claimBatches(queue, messages, batch);
  console.log(`${batches.length} batches, ${claimUs.toFixed(1)} µs (CPU ${claimCpuUs.toFixed(1)} µs) per event`);

  // The handler: one `@EventPattern` method of a `@QueueHandlers()` controller, as ExecutorController.decide
  // (decorators applied by hand: this file is plain JavaScript).
  class BenchController {
    async decide(message) {
      delivered.handled(message, work);
    }
  }
  const decide = Object.getOwnPropertyDescriptor(BenchController.prototype, 'decide');
  EventPattern(EXECUTION_EVENTS_PATTERN)(BenchController.prototype, 'decide', decide);
  Payload()(BenchController.prototype, 'decide', 0);
  QueueHandlers()(BenchController);
  const handler = new BenchController();

  const consumerOptions = { consumerId: CONSUMER_ID, batchSize: batch, leaseMs: 3_600_000, idleWaitMs: 3_600_000 };
  const nestQueue = new ReplayQueue();
  const nestConsumer = new ExecutionEventsConsumer(nestQueue, logger, consumerOptions);
  const metrics = new OspreyMetrics(queue.events, queue.jobs);
  class BenchModule {}
  Module({ controllers: [BenchController], providers: [{ provide: OspreyMetrics, useValue: metrics }] })(BenchModule);
  const app = await NestFactory.createMicroservice(BenchModule, { strategy: new QueueTransport([nestConsumer], logger), logger: false });
  // What startServer installs on the HTTP app, which the microservice inherits (inheritAppConfig).
  app.useGlobalFilters(new ErrorFilter(logger));
  app.useGlobalGuards(new DeclaredQueryGuard({ document: { paths: {} } }));
  await app.listen();

  const plainQueue = new ReplayQueue();
  const plainConsumer = new ExecutionEventsConsumer(plainQueue, logger, consumerOptions);
  plainConsumer.start((_pattern, data) => handler.decide(data));

  const deliver = {
    nest: async () => {
      const done = delivered.expect(messages);
      nestQueue.load(batches);
      await done;
    },
    consumer: async () => {
      const done = delivered.expect(messages);
      plainQueue.load(batches);
      await done;
    },
    loop: async () => {
      delivered.expect(messages);
      for (const claimed of batches) {
        const byExecution = new Map();
        for (const event of claimed) {
          const list = byExecution.get(event.executionId) ?? [];
          list.push(event);
          byExecution.set(event.executionId, list);
        }
        for (const [executionId, events] of byExecution) await handler.decide({ executionId, events });
      }
    },
  };

  const samples = Object.fromEntries(MESSAGE_PATHS.map((p) => [p.name, []]));
  try {
    // Round 0 warms up (JIT, Nest's first handler call); the order rotates so that drift spreads over the paths.
    for (let round = 0; round <= rounds; round++) {
      const order = MESSAGE_PATHS.map((_, i) => MESSAGE_PATHS[(i + round) % MESSAGE_PATHS.length]);
      for (const path of order) {
        globalThis.gc?.();
        // Let the previous path's consumer settle into its wait (its last setImmediate) before the clock starts.
        await sleep(20);
        const cpu0 = process.cpuUsage();
        const t0 = performance.now();
        await deliver[path.name]();
        const wallMs = performance.now() - t0;
        const cpu = process.cpuUsage(cpu0);
        if (delivered.count !== messages) throw new Error(`${path.name}: ${delivered.count} of ${messages} messages handled`);
        if (round > 0) samples[path.name].push({ wallUs: (wallMs * 1000) / messages, cpuUs: (cpu.user + cpu.system) / messages });
      }
      process.stdout.write(round === 0 ? 'warm-up done; rounds: ' : `${round} `);
    }
    console.log();
  } finally {
    await app.close();
    await plainConsumer.stop();
    await queue.close();
  }
  return { batches: batches.length, samples };
}

/**
 * Runs `executions` 2-task executions (Log + Return) in `server local` (this process, a temp data dir), one at a time
 * and 32 in flight as the throughput benchmark, and counts what the queue transport delivered, by pattern.
 */
async function countMessagesPerExecution({ dataDir, executions }) {
  const { configFromFlags } = await import('@osprey/services/cli');
  const { startServer, QueueTransport } = await import('@osprey/services');
  const { ApiClient } = await import('./api-client.mjs');
  const { DbReader } = await import('./db-reader.mjs');
  const { NAMESPACE, twoTaskFlow } = await import('./flows.mjs');

  const counts = new Map();
  const dispatch = QueueTransport.prototype.dispatch;
  QueueTransport.prototype.dispatch = function countedDispatch(pattern, data, context) {
    const entry = counts.get(pattern) ?? { messages: 0, events: 0 };
    entry.messages++;
    if (Array.isArray(data?.events)) entry.events += data.events.length;
    counts.set(pattern, entry);
    return dispatch.call(this, pattern, data, context);
  };
  const config = await configFromFlags({ dataDir, port: 0 }, { OSPREY_LOGGING_LEVEL: 'warn' });
  const { app, url } = await startServer({ config, roles: ['executor', 'worker', 'scheduler', 'webserver'], service: 'local', listen: { defaultHost: '127.0.0.1', refuseOpenApi: true, insecureNoAuth: false } });
  const api = new ApiClient(url);
  const db = new DbReader(join(dataDir, 'osprey.db'));
  const cases = [];
  try {
    for (const inFlight of [1, 32]) {
      const flowId = `transport_count_${inFlight}`;
      await api.deployFlow(twoTaskFlow(flowId));
      // The flow's change broadcast is not the executions' doing.
      await sleep(500);
      counts.clear();
      let next = 0;
      await Promise.all(
        Array.from({ length: inFlight }, async () => {
          while (next < executions) {
            next++;
            const execution = await api.trigger(NAMESPACE, flowId);
            if (inFlight === 1) await db.waitForEnd(execution.id, { timeoutMs: 60_000 });
          }
        }),
      );
      await db.waitForEnded(NAMESPACE, flowId, executions, { timeoutMs: 300_000 });
      // Whatever follows an end (the last commit's own event) is delivered within a few turns; wait until it stops.
      let total = -1;
      while (total !== totalMessages(counts)) {
        total = totalMessages(counts);
        await sleep(300);
      }
      const failed = db.executions(NAMESPACE, flowId).filter((e) => e.state !== 'SUCCESS').length;
      cases.push({ inFlight, executions, failed, counts: Object.fromEntries([...counts].map(([pattern, entry]) => [pattern, { ...entry }])) });
    }
  } finally {
    db.close();
    api.close();
    await app.close();
    QueueTransport.prototype.dispatch = dispatch;
  }
  return cases;
}

function totalMessages(counts) {
  let total = 0;
  for (const entry of counts.values()) total += entry.messages;
  return total;
}

const median = (values) => percentile(values, 50);
const us = (value) => (value >= 100 ? value.toFixed(0) : value >= 10 ? value.toFixed(1) : value.toFixed(2));

function render({ machine, messages, batch, rounds, work, delivery, counts }) {
  const lines = [];
  lines.push(
    `Measured ${machine.date.slice(0, 16).replace('T', ' ')} UTC at commit \`${machine.commit}\`: ${machine.cpuModel}, ${machine.cores} cores; Node ${machine.node}; ` +
      `1-minute load average before the run ${machine.loadBefore.toFixed(2)}. ${messages} messages per round and path (one execution's events each), ` +
      `claimed from SQLite ${batch} executions at a time into ${delivery.batches} batches; handler work: ${work}; ${rounds} rounds after a warm-up, ` +
      `median [min–max] over the rounds.`,
  );
  lines.push('');
  lines.push('| Delivery path | µs per message (wall) | CPU µs per message |');
  lines.push('|---|---|---|');
  const medians = {};
  for (const path of MESSAGE_PATHS) {
    const wall = delivery.samples[path.name].map((s) => s.wallUs);
    const cpu = delivery.samples[path.name].map((s) => s.cpuUs);
    medians[path.name] = { wall: median(wall), cpu: median(cpu) };
    lines.push(`| ${path.title} | ${us(median(wall))} [${us(Math.min(...wall))}–${us(Math.max(...wall))}] | ${us(median(cpu))} [${us(Math.min(...cpu))}–${us(Math.max(...cpu))}] |`);
  }
  const nestCost = { wall: medians.nest.wall - medians.loop.wall, cpu: medians.nest.cpu - medians.loop.cpu };
  lines.push(`| **Nest transport − plain loop** | **${us(nestCost.wall)}** | **${us(nestCost.cpu)}** |`);
  lines.push(`| of which Nest's pipeline (Nest transport − consumer alone) | ${us(medians.nest.wall - medians.consumer.wall)} | ${us(medians.nest.cpu - medians.consumer.cpu)} |`);
  if (counts) {
    lines.push('');
    lines.push('Messages the transport delivered per 2-task execution (Log + Return) in `server local` (SQLite), counted in `QueueTransport.dispatch`:');
    lines.push('');
    lines.push('| Executions in flight | executions (not SUCCESS) | execution-events messages (events) per execution | worker-job messages per execution | other messages | all messages per execution | transport CPU per execution at the difference above |');
    lines.push('|---|---|---|---|---|---|---|');
    for (const c of counts) {
      const ev = c.counts['osprey.execution-events'] ?? { messages: 0, events: 0 };
      const jobs = c.counts['osprey.worker-job'] ?? { messages: 0 };
      const all = Object.values(c.counts).reduce((sum, e) => sum + e.messages, 0);
      const other = all - ev.messages - jobs.messages;
      const perExecution = all / c.executions;
      lines.push(
        `| ${c.inFlight} | ${c.executions} (${c.failed}) | ${(ev.messages / c.executions).toFixed(2)} (${(ev.events / c.executions).toFixed(2)}) | ${(jobs.messages / c.executions).toFixed(2)} | ${other} | ${perExecution.toFixed(2)} | ${us(perExecution * nestCost.cpu)} µs |`,
      );
    }
  }
  return lines.join('\n');
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  process.exitCode = await runTransportOverhead(process.argv.slice(2), fileURLToPath(new URL('..', import.meta.url)));
}
