import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { parseFlow, type Execution } from '@osprey/flow-model';
import type { ExecutionEventQueue, ExecutorStore } from '@osprey/queue';
import { openSqliteQueue, type SqliteQueue } from '@osprey/queue/sql';
import { openSqliteRepository, type SqliteRepository } from '@osprey/repository/sql';
import { createLogger, type Logger } from '@osprey/server';
import { newExecution } from '../executions/new-execution.js';
import { ExecutionEventsConsumer, type ExecutionEventsConsumerOptions, type ExecutionEventsMessage } from '../transport/execution-events-consumer.js';
import { ExecutorService, type ExecutorOptions } from './executor-service.js';

/** A logger whose lines the test reads. */
function recordingLogger(): { logger: ReturnType<typeof createLogger>; lines: Array<{ level: string; msg: string; err?: { message: string } }> } {
  const lines: Array<{ level: string; msg: string; err?: { message: string } }> = [];
  const destination = new Writable({
    write: (chunk, _e, cb) => {
      for (const line of String(chunk).split('\n')) if (line.trim() !== '') lines.push(JSON.parse(line));
      cb();
    },
  });
  return { logger: createLogger({ service: 'test', instance: 'test', level: 'info', destination }), lines };
}

/** `target` with some methods replaced: a port that fails where a test says. */
function overriding<T extends object>(target: T, overrides: Partial<Record<keyof T, unknown>>): T {
  return new Proxy(target, {
    get(object, key) {
      if (key in overrides) return overrides[key as keyof T];
      const value = Reflect.get(object, key, object) as unknown;
      return typeof value === 'function' ? value.bind(object) : value;
    },
  });
}

const silent = createLogger({ service: 'test', instance: 'test', level: 'silent', destination: new Writable({ write: (_c, _e, cb) => cb() }) });

const SOURCE = `id: waits
namespace: io.osprey.tests
tasks:
  - id: wait
    type: io.kestra.plugin.core.flow.Pause
`;

/**
 * The store with its windows routed to each flow's inbox key, as the Kafka store routes them: the executor then sends
 * upstream states as `preconditionResult` events and commits windows with `commitConditionWindows`.
 */
function routingWindows(store: ExecutorStore, windowCommits: unknown[]): ExecutorStore {
  return {
    keepsConditionWindows: true,
    routesConditionWindows: true,
    load: (id) => store.load(id),
    commit: (consumerId, commit) => store.commit(consumerId, commit),
    acknowledge: (consumerId, id, seqs) => store.acknowledge(consumerId, id, seqs),
    loadConditionWindows: (keys) => store.loadConditionWindows(keys),
    commitConditionWindows: async (consumerId, commit) => {
      await store.commitConditionWindows(consumerId, commit);
      windowCommits.push(commit);
    },
  };
}

/** An executor as the queue transport runs it, without Nest: the consumer delivers each execution's events to the service. */
class TestExecutor {
  readonly service: ExecutorService;
  private readonly consumer: ExecutionEventsConsumer;

  constructor(events: ExecutionEventQueue, store: ExecutorStore, queue: SqliteQueue, repository: SqliteRepository, logger: Logger, options: ExecutorOptions & Partial<ExecutionEventsConsumerOptions> = {}) {
    this.service = new ExecutorService(store, queue.broadcast, repository, logger, options);
    this.consumer = new ExecutionEventsConsumer(events, logger, { batchSize: 10, leaseMs: 30_000, ...options, consumerId: this.service.id });
  }

  get cachedExecutions(): number {
    return this.service.cachedExecutions;
  }

  start(): void {
    this.consumer.start(async (_pattern, data) => {
      const message = data as ExecutionEventsMessage;
      await this.service.process(message.executionId, message.events);
    });
  }

  async stop(): Promise<void> {
    await this.consumer.stop();
  }
}

describe('ExecutorService under its queue consumer on the embedded backend', () => {
  let dir: string;
  let queue: SqliteQueue;
  let repository: SqliteRepository;
  let executor: TestExecutor | undefined;

  beforeEach(async () => {
    dir = mkdtempSync(join(tmpdir(), 'osprey-executor-'));
    repository = await openSqliteRepository(join(dir, 'osprey.db'));
    queue = await openSqliteQueue(join(dir, 'osprey.db'));
  });

  afterEach(async () => {
    await executor?.stop();
    await queue.close();
    await repository.close();
    rmSync(dir, { recursive: true, force: true });
  });

  async function until<T>(probe: () => T | undefined | Promise<T | undefined>, timeoutMs = 120_000): Promise<T> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const value = await probe();
      if (value !== undefined) return value;
      if (Date.now() > deadline) throw new Error('timed out');
      await new Promise((r) => setTimeout(r, 50));
    }
  }

  it("evaluates kv() and errorLogs() in expressions it renders itself: an If condition, a Switch value, the flow outputs", async () => {
    const source = `id: lookups
namespace: io.osprey.tests
tasks:
  - id: check
    type: io.kestra.plugin.core.flow.If
    condition: "{{ kv('enabled') }}"
    then:
      - id: "yes"
        type: io.kestra.plugin.core.flow.Pause
    else:
      - id: "no"
        type: io.kestra.plugin.core.flow.Pause
  - id: pick
    type: io.kestra.plugin.core.flow.Switch
    value: "{{ errorLogs()[0].message }}"
    cases:
      boom:
        - id: saw
          type: io.kestra.plugin.core.flow.Pause
outputs:
  - id: mode
    type: STRING
    value: "{{ kv('mode', 'io.osprey.other') }} {{ kv('absent') ?? 'none' }}"
`;
    const flow = parseFlow(source);
    const stored = await repository.flows.save(flow, source);
    await repository.kv.set('io.osprey.tests', 'enabled', true);
    await repository.kv.set('io.osprey.other', 'mode', 'fast');
    const execution = newExecution({ flow, revision: stored.revision }, 'lookups-1', new Date());
    await repository.logs.append([{ namespace: 'io.osprey.tests', flowId: 'lookups', executionId: execution.id, timestamp: new Date().toISOString(), level: 'ERROR', message: 'boom' }]);
    const seen: Execution[] = [];
    executor = new TestExecutor(queue.events, queue.store, queue, repository, silent, { batchSize: 10, leaseMs: 30_000, onCommitted: (e: Execution) => void seen.push(e) });
    executor.start();
    const latest = () => seen.filter((e) => e.id === execution.id).at(-1);
    await queue.events.emit([{ executionId: execution.id, event: { type: 'start' }, execution }]);
    const state = await until(() => (['PAUSED', 'FAILED'].includes(latest()?.state.current ?? '') ? latest()!.state.current : undefined));
    expect(state).toBe('PAUSED');
    await queue.events.emit([{ executionId: execution.id, event: { type: 'resume' } }]);
    await until(() => (latest()?.taskRunList.some((r) => r.taskId === 'saw' && r.state.current === 'PAUSED') ? true : undefined));
    await queue.events.emit([{ executionId: execution.id, event: { type: 'resume' } }]);
    const ended = await until(() => (latest()?.state.current === 'SUCCESS' ? latest() : undefined));
    expect(ended.taskRunList.map((r) => r.taskId).sort()).toEqual(['check', 'pick', 'saw', 'yes']);
    expect(ended.outputs).toEqual({ mode: 'fast none' });
  }, 120_000);

  it('keeps at most cachedExecutions executions in memory over many paused ones, and reloads an evicted one on its next event', async () => {
    const flow = parseFlow(SOURCE);
    const stored = await repository.flows.save(flow, SOURCE);
    const states = new Map<string, string>();
    let maxCached = 0;
    const service = new TestExecutor(queue.events, queue.store, queue, repository, silent, {
      batchSize: 200,
      leaseMs: 30_000,
      cachedExecutions: 50,
      onCommitted: (execution: Execution) => {
        states.set(execution.id, execution.state.current);
        maxCached = Math.max(maxCached, service.cachedExecutions);
      },
    });
    executor = service;
    service.start();
    const count = 1000;
    const executions = Array.from({ length: count }, (_, i) => newExecution({ flow, revision: stored.revision }, `paused-${String(i).padStart(5, '0')}`, new Date()));
    for (let i = 0; i < count; i += 200) {
      await queue.events.emit(executions.slice(i, i + 200).map((execution) => ({ executionId: execution.id, event: { type: 'start' as const }, execution })));
    }
    await until(() => ([...states.values()].filter((s) => s === 'PAUSED').length === count ? true : undefined));
    expect(maxCached).toBe(50);
    expect(service.cachedExecutions).toBe(50);

    // The first execution left the cache long ago: its resume is decided on the stored execution.
    const first = executions[0]!.id;
    await queue.events.emit([{ executionId: first, event: { type: 'resume' } }]);
    await until(() => (states.get(first) === 'SUCCESS' ? true : undefined));
    expect((await repository.executions.get(first))?.state.current).toBe('SUCCESS');
    expect(service.cachedExecutions).toBeLessThanOrEqual(50);
  }, 180_000);

  it.each([
    ['in the upstream decisions', false],
    ['routed to the flow\'s inbox key', true],
  ])('fires a precondition on two flows once when both end in decisions made side by side (windows changed %s)', async (_, routed) => {
    const paused = (id: string) => `id: ${id}\nnamespace: io.osprey.tests\ntasks:\n  - id: wait\n    type: io.kestra.plugin.core.flow.Pause\n`;
    const joined = `${paused('joined')}triggers:
  - id: both
    type: io.kestra.plugin.core.trigger.Flow
    preconditions:
      id: both
      flows:
        - { namespace: io.osprey.tests, flowId: a }
        - { namespace: io.osprey.tests, flowId: b }
`;
    const flows = new Map<string, { flow: ReturnType<typeof parseFlow>; revision: number }>();
    for (const source of [paused('a'), paused('b'), joined]) {
      const flow = parseFlow(source);
      flows.set(flow.id, { flow, revision: (await repository.flows.save(flow, source)).revision });
    }
    const committed: Execution[] = [];
    const windowCommits: unknown[] = [];
    const store = routed ? routingWindows(queue.store, windowCommits) : queue.store;
    const service = new TestExecutor(queue.events, store, queue, repository, silent, { batchSize: 100, leaseMs: 30_000, onCommitted: (e) => committed.push(e) });
    executor = service;
    service.start();
    const rounds = 4;
    for (let round = 0; round < rounds; round++) {
      const upstreams = ['a', 'b'].map((id) => newExecution({ flow: flows.get(id)!.flow, revision: flows.get(id)!.revision }, `${id}-${round}`, new Date()));
      await queue.events.emit(upstreams.map((execution) => ({ executionId: execution.id, event: { type: 'start' as const }, execution })));
      await until(() => (upstreams.every((u) => committed.some((c) => c.id === u.id && c.state.current === 'PAUSED')) ? true : undefined));
      // Both resumes in one claim: the two ends are decided in parallel and read the same stored window.
      await queue.events.emit(upstreams.map((u) => ({ executionId: u.id, event: { type: 'resume' as const } })));
      await until(() => (upstreams.every((u) => committed.some((c) => c.id === u.id && c.state.current === 'SUCCESS')) ? true : undefined));
      await until(async () => ((await queue.events.depth()) === 0 && committed.filter((c) => c.flowId === 'joined' && c.state.current === 'PAUSED').length > round ? true : undefined));
    }
    const fired = new Set(committed.filter((c) => c.flowId === 'joined').map((c) => c.id));
    expect(fired.size).toBe(rounds);
    // Routed: each upstream end reached the flow's inbox key (one commit may consume both).
    if (routed) expect(windowCommits.length).toBeGreaterThanOrEqual(rounds);
    expect(await queue.store.loadConditionWindows(['["io.osprey.tests","joined","both.both"]'])).toEqual(new Map());
  }, 180_000);
  it('logs a failed release of claimed events, whose execution otherwise waits for the lease without a word', async () => {
    const flow = parseFlow(SOURCE);
    const stored = await repository.flows.save(flow, SOURCE);
    const { logger, lines } = recordingLogger();
    const store = overriding(queue.store, { commit: () => Promise.reject(new Error('the store refused the commit')) });
    const events = overriding(queue.events, { release: () => Promise.reject(new Error('the queue refused the release')) });
    const service = new TestExecutor(events, store, queue, repository, logger, { batchSize: 10, leaseMs: 30_000 });
    executor = service;
    service.start();
    const execution = newExecution({ flow, revision: stored.revision }, 'release-fails', new Date());
    await queue.events.emit([{ executionId: execution.id, event: { type: 'start' }, execution }]);
    const line = await until(() => lines.find((l) => l.msg.startsWith('releasing claimed events failed')));
    expect(line.level).toBe('error');
    expect(line.err?.message).toBe('the queue refused the release');
  }, 120_000);

  it('logs a failed write of a subflow start failure to the execution logs', async () => {
    const source = `id: parent
namespace: io.osprey.tests
tasks:
  - id: child
    type: io.kestra.plugin.core.flow.Subflow
    namespace: io.osprey.tests
    flowId: missing
`;
    const flow = parseFlow(source);
    const stored = await repository.flows.save(flow, source);
    const { logger, lines } = recordingLogger();
    const logs = overriding(repository.logs, { append: () => Promise.reject(new Error('the log store is full')) });
    const failingLogs = overriding(repository, { logs });
    const committed: Execution[] = [];
    const service = new TestExecutor(queue.events, queue.store, queue, failingLogs, logger, { batchSize: 10, leaseMs: 30_000, onCommitted: (e) => committed.push(e) });
    executor = service;
    service.start();
    const execution = newExecution({ flow, revision: stored.revision }, 'subflow-missing', new Date());
    await queue.events.emit([{ executionId: execution.id, event: { type: 'start' }, execution }]);
    const line = await until(() => lines.find((l) => l.msg === 'writing the subflow failure to the execution logs failed'));
    expect(line.level).toBe('error');
    expect(line.err?.message).toBe('the log store is full');
    await until(() => (committed.some((c) => c.id === execution.id && c.state.current === 'FAILED') ? true : undefined));
  }, 120_000);

  it('stops at once while waiting to claim again after a failed claim', async () => {
    const { logger, lines } = recordingLogger();
    const events = overriding(queue.events, { claim: () => Promise.reject(new Error('the queue is unreachable')) });
    // A retry wait no test outlasts: stop() returns only if it cuts the wait short.
    const service = new TestExecutor(events, queue.store, queue, repository, logger, { batchSize: 10, leaseMs: 30_000, retryMs: 3_600_000 });
    service.start();
    await until(() => lines.find((l) => l.msg === 'claiming execution events failed; retrying'));
    await service.stop();
    expect(lines.filter((l) => l.msg === 'claiming execution events failed; retrying')).toHaveLength(1);
    expect(lines.some((l) => l.msg === 'executor stopped')).toBe(true);
  }, 120_000);
});
