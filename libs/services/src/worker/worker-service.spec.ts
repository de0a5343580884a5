import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { newState, type Task, type WorkerJob } from '@osprey/flow-model';
import { createTaskRegistry } from '@osprey/plugins';
import type { LeasedJob, WorkerJobQueue } from '@osprey/queue';
import { openSqliteQueue, type SqliteQueue } from '@osprey/queue/sql';
import { openSqliteRepository, type SqliteRepository } from '@osprey/repository/sql';
import { openLocalStorage } from '@osprey/storage';
import { createLogger, type Logger } from '@osprey/server';
import { NamespaceFiles } from '../namespaces/namespace-files.js';
import { WorkerJobsConsumer, type WorkerJobsConsumerOptions } from '../transport/worker-jobs-consumer.js';
import { WorkerService } from './worker-service.js';
import { TriggerCommands } from '../triggers/trigger-commands.js';

const silent = createLogger({ service: 'test', instance: 'test', level: 'silent', destination: new Writable({ write: (_c, _e, cb) => cb() }) });

function job(task: Task, id = 'tr-1'): WorkerJob {
  const now = new Date();
  return {
    id: `${id}:1`,
    executionId: 'exec-1',
    namespace: 'io.osprey.tests',
    flowId: 'worker-test',
    flowRevision: 1,
    taskRun: { id, executionId: 'exec-1', namespace: 'io.osprey.tests', flowId: 'worker-test', taskId: task.id, attempts: [{ state: newState(now) }], state: newState(now) },
    attempt: 1,
    task,
    variables: { flow: { id: 'worker-test', namespace: 'io.osprey.tests' }, inputs: {}, outputs: {}, task: { id: task.id, type: task.type } },
  };
}

/** A worker as the queue transport runs it, without Nest: the consumer delivers each lease straight to the service. */
interface TestWorker {
  start(): void;
  stop(): Promise<void>;
}

describe('WorkerService under its queue consumer on the embedded backend', () => {
  let dir: string;
  let queue: SqliteQueue;
  let repository: SqliteRepository;
  const workers: TestWorker[] = [];

  beforeEach(async () => {
    dir = mkdtempSync(join(tmpdir(), 'osprey-worker-'));
    repository = await openSqliteRepository(join(dir, 'osprey.db'));
    queue = await openSqliteQueue(join(dir, 'osprey.db'));
  });

  afterEach(async () => {
    await Promise.all(workers.splice(0).map((w) => w.stop()));
    await queue.close();
    await repository.close();
    rmSync(dir, { recursive: true, force: true });
  });

  const consumed = (jobs: WorkerJobQueue, logger: Logger, options: Partial<WorkerJobsConsumerOptions> = {}): TestWorker => {
    const service = new WorkerService(jobs, queue.events, repository, openLocalStorage(join(dir, 'storage')), createTaskRegistry(), logger, new TriggerCommands(repository, queue.broadcast));
    const consumer = new WorkerJobsConsumer(jobs, logger, { concurrency: 4, leaseMs: 5000, shutdownGraceMs: 5000, ...options, workerId: service.id });
    // The worker's broadcast handler, as WorkerController routes it: a kill aborts the running jobs it names.
    let unsubscribe = () => {};
    const w: TestWorker = {
      start: () => {
        unsubscribe = queue.broadcast.subscribe((message) => message.type === 'killTaskRuns' && consumer.kill(message.taskRunIds));
        consumer.start((_pattern, lease, context) => service.execute(lease as LeasedJob, context.getSignal()));
      },
      stop: async () => {
        await consumer.stop();
        unsubscribe();
        await service.close();
      },
    };
    workers.push(w);
    return w;
  };
  const worker = (options: Partial<WorkerJobsConsumerOptions> = {}) => consumed(queue.jobs, silent, options);

  /** Results the workers reported, read from the execution event queue. */
  async function results(): Promise<{ type: string; state?: string; outputs?: Record<string, unknown>; attempt?: number; metrics?: unknown[] }[]> {
    const claimed = await queue.events.claim('probe', 100, 1);
    await queue.events.release('probe', ['exec-1']);
    return claimed.map((c) => c.event as never);
  }

  async function until<T>(probe: () => Promise<T | undefined>, timeoutMs = 10_000): Promise<T> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const value = await probe();
      if (value !== undefined) return value;
      if (Date.now() > deadline) throw new Error('timed out');
      await new Promise((r) => setTimeout(r, 25));
    }
  }

  it('stops at once while waiting to take again after a failed take, and logs each failure', async () => {
    const lines: Array<{ level: string; msg: string; err?: { message: string } }> = [];
    const destination = new Writable({
      write: (chunk, _e, cb) => {
        for (const line of String(chunk).split('\n')) if (line.trim() !== '') lines.push(JSON.parse(line));
        cb();
      },
    });
    const jobs = new Proxy(queue.jobs, {
      get: (target, key) => (key === 'take' ? () => Promise.reject(new Error('the queue is unreachable')) : (Reflect.get(target, key, target) as () => unknown).bind?.(target)),
    });
    // A retry wait no test outlasts: stop() returns only if it cuts the wait short.
    const w = consumed(jobs, createLogger({ service: 'test', instance: 'test', level: 'info', destination }), { concurrency: 1, shutdownGraceMs: 0, retryMs: 3_600_000 });
    w.start();
    const failed = await until(async () => lines.find((l) => l.msg === 'taking jobs failed; retrying'));
    expect(failed).toMatchObject({ level: 'error', err: { message: 'the queue is unreachable' } });
    await w.stop();
    expect(lines.filter((l) => l.msg === 'taking jobs failed; retrying')).toHaveLength(1);
  }, 60_000);

  it('runs a job, reports it started and its result, and stores its logs', async () => {
    worker().start();
    await queue.jobs.publish([job({ id: 'r', type: 'io.kestra.plugin.core.debug.Return', format: '{{ flow.id }}' }), job({ id: 'l', type: 'io.kestra.plugin.core.log.Log', message: 'hi {{ task.id }}' }, 'tr-2')]);
    const events = await until(async () => {
      const all = await results();
      return all.filter((e) => e.type === 'taskResult').length === 2 ? all : undefined;
    });
    expect(events.filter((e) => e.type === 'taskStarted')).toHaveLength(2);
    expect(events.find((e) => e.type === 'taskResult' && e.outputs)).toMatchObject({ state: 'SUCCESS', outputs: { value: 'worker-test' } });
    const logs = await repository.logs.search({ executionId: 'exec-1' });
    expect(logs.results.map((l) => l.message)).toContain('hi l');
    expect(await queue.jobs.depth()).toEqual({ pending: 0, running: 0 });
  });

  it('records only the lines at or above the task logLevel', async () => {
    worker().start();
    const lines = ['echo out-info', 'echo err-error >&2', `echo '::{"logs":[{"level":"WARN","message":"proto-warn"},{"level":"DEBUG","message":"proto-debug"}]}::'`];
    await queue.jobs.publish([
      job({ id: 'quiet', type: 'io.kestra.plugin.scripts.shell.Commands', commands: lines, logLevel: 'warn' }),
      job({ id: 'chatty', type: 'io.kestra.plugin.scripts.shell.Commands', commands: lines }, 'tr-2'),
    ]);
    await until(async () => ((await results()).filter((e) => e.type === 'taskResult').length === 2 ? true : undefined));
    const logs = await repository.logs.search({ executionId: 'exec-1', size: 100 });
    const of = (taskRunId: string) => logs.results.filter((l) => l.taskRunId === taskRunId && l.message !== '').map((l) => `${l.level} ${l.message}`).sort();
    expect(of('tr-1')).toEqual(['ERROR err-error', 'WARN proto-warn']);
    expect(of('tr-2')).toEqual(expect.arrayContaining(['ERROR err-error', 'INFO out-info', 'WARN proto-warn', 'DEBUG proto-debug']));
  });

  it('fails a job whose task throws, with the message logged at ERROR', async () => {
    worker().start();
    await queue.jobs.publish([job({ id: 'f', type: 'io.kestra.plugin.core.execution.Fail', errorMessage: 'broken on purpose' })]);
    const result = await until(async () => (await results()).find((e) => e.type === 'taskResult'));
    expect(result.state).toBe('FAILED');
    const logs = await repository.logs.search({ executionId: 'exec-1', minLevel: 'ERROR' });
    expect(logs.results.map((l) => l.message)).toEqual(['broken on purpose']);
  });

  it('puts the metrics a script reported in its task result, also when it fails, and warns about invalid ones', async () => {
    worker().start();
    const metrics = `echo '::{"metrics":[{"name":"rows","type":"counter","value":42,"tags":{"table":"birds"}},{"name":"load","type":"timer","value":0.25},{"name":"depth","type":"gauge","value":7},{"name":"bad","type":"histogram","value":1}]}::'`;
    await queue.jobs.publish([
      job({ id: 'ok', type: 'io.kestra.plugin.scripts.shell.Commands', commands: [metrics] }),
      job({ id: 'ko', type: 'io.kestra.plugin.scripts.shell.Commands', commands: [metrics, 'exit 2'] }, 'tr-2'),
      job({ id: 'none', type: 'io.kestra.plugin.core.log.Log', message: 'no metrics' }, 'tr-3'),
    ]);
    const ended = await until(async () => {
      const all = (await results()).filter((e) => e.type === 'taskResult');
      return all.length === 3 ? all : undefined;
    });
    const expected = [
      { name: 'rows', type: 'counter', value: 42, tags: { table: 'birds' } },
      { name: 'load', type: 'timer', value: 0.25 },
      { name: 'depth', type: 'gauge', value: 7 },
    ];
    const byRun = new Map(ended.map((e) => [(e as { taskRunId?: string }).taskRunId, e]));
    expect(byRun.get('tr-1')).toMatchObject({ state: 'SUCCESS', metrics: expected });
    expect(byRun.get('tr-2')).toMatchObject({ state: 'FAILED', metrics: expected });
    expect(byRun.get('tr-3')).not.toHaveProperty('metrics');
    const warnings = await repository.logs.search({ executionId: 'exec-1', minLevel: 'WARN' });
    expect(warnings.results.filter((l) => l.level === 'WARN').map((l) => l.message)).toEqual([
      'Ignoring a metric: metric "bad" has type "histogram"; expected "counter", "gauge" or "timer"',
      'Ignoring a metric: metric "bad" has type "histogram"; expected "counter", "gauge" or "timer"',
    ]);
  });

  it('kills a running task on a broadcast kill', async () => {
    worker().start();
    await queue.jobs.publish([job({ id: 'sleep', type: 'io.kestra.plugin.core.flow.Sleep', duration: 'PT60S' })]);
    await until(async () => ((await queue.jobs.depth()).running === 1 ? true : undefined));
    await queue.broadcast.publish({ type: 'killTaskRuns', executionId: 'exec-1', taskRunIds: ['tr-1'] });
    const result = await until(async () => (await results()).find((e) => e.type === 'taskResult'));
    expect(result.state).toBe('KILLED');
  });

  it('fails a task that runs longer than its timeout, and stops it', async () => {
    worker().start();
    const started = Date.now();
    await queue.jobs.publish([{ ...job({ id: 'slow', type: 'io.kestra.plugin.core.flow.Sleep', duration: 'PT30S' }), timeoutMs: 300 }]);
    const result = await until(async () => (await results()).find((e) => e.type === 'taskResult'));
    expect(result.state).toBe('FAILED');
    expect(Date.now() - started).toBeLessThan(10_000);
    const logs = await repository.logs.search({ executionId: 'exec-1', minLevel: 'ERROR' });
    expect(logs.results.map((l) => l.message).join(' ')).toMatch(/timed out after 300 ms/);
  });

  it('hands a running job back when it stops before the task ends, so another worker takes it at once', async () => {
    const first = worker({ shutdownGraceMs: 100 });
    first.start();
    await queue.jobs.publish([job({ id: 'sleep', type: 'io.kestra.plugin.core.flow.Sleep', duration: 'PT1S' })]);
    await until(async () => ((await queue.jobs.depth()).running === 1 ? true : undefined));
    await first.stop();
    expect(await queue.jobs.depth()).toEqual({ pending: 1, running: 0 });
    worker().start();
    const result = await until(async () => (await results()).find((e) => e.type === 'taskResult'));
    expect(result.state).toBe('SUCCESS');
  });

  it('finishes running jobs within the grace period before it stops', async () => {
    const w = worker({ shutdownGraceMs: 5000 });
    w.start();
    await queue.jobs.publish([job({ id: 'sleep', type: 'io.kestra.plugin.core.flow.Sleep', duration: 'PT0.3S' })]);
    await until(async () => ((await queue.jobs.depth()).running === 1 ? true : undefined));
    await w.stop();
    expect((await results()).find((e) => e.type === 'taskResult')?.state).toBe('SUCCESS');
  });

  it('runs a job whose previous worker stopped renewing its lease as the next attempt, with taskrun.attemptsCount counting it', async () => {
    await queue.jobs.publish([
      job({ id: 'r', type: 'io.kestra.plugin.core.debug.Return', format: '{{ taskrun.attemptsCount }}' }),
    ]);
    // A worker that takes the job and dies: its lease is never renewed.
    expect(await queue.jobs.take('dead-worker', 1, 1)).toHaveLength(1);
    worker().start();
    const events = await until(async () => {
      const all = await results();
      return all.some((e) => e.type === 'taskResult') ? all : undefined;
    });
    expect(events.find((e) => e.type === 'taskStarted')?.attempt).toBe(2);
    expect(events.find((e) => e.type === 'taskResult')).toMatchObject({ attempt: 2, state: 'SUCCESS', outputs: { value: '1' } });
  });

  it('writes a WorkingDirectory\'s inputFiles before its children, uploads its outputFiles, and shows it to them as their parent', async () => {
    const storage = openLocalStorage(join(dir, 'storage'));
    worker().start();
    const wd = job({
      id: 'wd',
      type: 'io.kestra.plugin.core.flow.WorkingDirectory',
      inputFiles: { 'in.txt': 'hello {{ task.id }}' },
      outputFiles: ['out.txt'],
      tasks: [
        {
          id: 'files',
          type: 'io.kestra.plugin.core.storage.LocalFiles',
          inputs: { 'out.txt': '{{ parent.task.id }} {{ workerTaskrun.id }} {{ parents | length }}' },
          outputs: ['in.txt'],
        },
      ],
    });
    wd.variables.taskrun = { id: 'tr-1', value: null };
    await queue.jobs.publish([wd]);
    const result = await until(async () => (await results()).find((e) => e.type === 'taskResult') as { state: string; outputs?: { outputFiles?: Record<string, string> }; children?: { outputs?: { uris?: Record<string, string> } }[] } | undefined);
    expect(result.state).toBe('SUCCESS');
    const read = async (uri: string | undefined) => {
      const chunks: Buffer[] = [];
      for await (const chunk of await storage.get(String(uri))) chunks.push(Buffer.from(chunk as Buffer));
      return Buffer.concat(chunks).toString('utf8');
    };
    expect(await read(result.children?.[0]?.outputs?.uris?.['in.txt'])).toBe('hello wd');
    expect(await read(result.outputs?.outputFiles?.['out.txt'])).toBe('wd tr-1 1');
  });

  it("copies the namespace files that pass namespaceFiles' include and exclude into a WorkingDirectory, with inputFiles winning", async () => {
    const storage = openLocalStorage(join(dir, 'storage'));
    const files = new NamespaceFiles(storage);
    await files.put('io.osprey.tests', 'scripts/main.py', 'print(1)');
    await files.put('io.osprey.tests', 'scripts/skip_test.py', 'skip');
    await files.put('io.osprey.tests', 'README.md', 'readme');
    await files.put('io.osprey.tests', 'conf.txt', 'from namespace');
    await files.put('io.osprey.other', 'scripts/other.py', 'not ours');
    worker().start();
    await queue.jobs.publish([
      job({
        id: 'wd',
        type: 'io.kestra.plugin.core.flow.WorkingDirectory',
        namespaceFiles: { include: ['scripts/*.py', 'conf.txt'], exclude: ['**/skip_*'] },
        inputFiles: { 'conf.txt': 'from inputFiles' },
        tasks: [{ id: 'files', type: 'io.kestra.plugin.core.storage.LocalFiles', outputs: ['**'] }],
      }),
    ]);
    const result = await until(async () => (await results()).find((e) => e.type === 'taskResult') as { state: string; children?: { outputs?: { uris?: Record<string, string> } }[] } | undefined);
    expect(result.state).toBe('SUCCESS');
    const uris = result.children?.[0]?.outputs?.uris ?? {};
    expect(Object.keys(uris).sort()).toEqual(['conf.txt', 'scripts/main.py']);
    const chunks: Buffer[] = [];
    for await (const chunk of await storage.get(uris['conf.txt']!)) chunks.push(Buffer.from(chunk as Buffer));
    expect(Buffer.concat(chunks).toString('utf8')).toBe('from inputFiles');
  });
});
