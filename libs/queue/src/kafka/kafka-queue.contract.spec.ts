import { spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { existsSync } from 'node:fs';
import { jest } from '@jest/globals';
import { broadcastQueueContract } from '../testing/broadcast-queue.contract.js';
import { executionEventQueueContract } from '../testing/execution-event-queue.contract.js';
import { executorStoreContract } from '../testing/executor-store.contract.js';
import { workerJobQueueContract } from '../testing/worker-job-queue.contract.js';
import { eventually, markerOf, preconditionResultEvent, queueTestExecution, queueTestJob, resumeEvent, sleep } from '../testing/queue-fixtures.js';
import { conditionWindowInboxKey, conditionWindowKey, type ConditionWindowWrite, type Execution, type LogEntry } from '@osprey/flow-model';
import { ConditionWindowConflictError, type BroadcastMessage } from '../ports.js';
import { kafkaPartitionOf } from './kafka-partitioner.js';
import { KafkaPartitionNotOwnedError } from './kafka-execution-event-queue.js';
import { openKafkaIndexFeed, type KafkaIndexBatch } from './kafka-index-feed.js';
import { openKafkaQueue, type KafkaQueue, type OpenKafkaQueueOptions } from './open-kafka-queue.js';
import { deleteTestTopics, testBrokers } from './kafka-test-broker.fixture.js';

jest.setTimeout(120_000);

/** Short sessions and sweeps: the machine is shared, but a test must not wait 10 s for a dead member. */
export function kafkaTestOptions(topicPrefix: string, instanceId = randomUUID()): OpenKafkaQueueOptions {
  return {
    brokers: testBrokers(),
    topicPrefix,
    instanceId,
    partitions: 4,
    sessionTimeoutMs: 6_000,
    heartbeatIntervalMs: 300,
    maxWaitTimeMs: 100,
    jobs: { liveness: { intervalMs: 50 } },
  };
}

/** A queue on a prefix of its own; closing deletes its topics and groups. */
async function openTestQueue(): Promise<KafkaQueue> {
  const queue = await openKafkaQueue(kafkaTestOptions(`t${randomUUID().slice(0, 8)}`));
  return {
    ...queue,
    close: async () => {
      await queue.close();
      await deleteTestTopics(queue.connection.options.topicPrefix);
    },
  };
}


executionEventQueueContract('kafka', openTestQueue);
executorStoreContract('kafka', openTestQueue);
broadcastQueueContract('kafka', openTestQueue);
workerJobQueueContract('kafka', openTestQueue, { leaseMs: 1000 });

/**
 * Runs `body` (with `queue` open on the prefix) in a child process on the built queue (npm test builds before jest),
 * and resolves once it printed `ready`: SIGKILL is the only honest crash. Returns the kill. Test fixtures are not
 * built: the body gets them as JSON literals.
 */
async function crashingProcess(topicPrefix: string, body: string): Promise<() => Promise<void>> {
  const built = new URL('../../dist/kafka/index.js', import.meta.url);
  if (!existsSync(built)) throw new Error(`${built.pathname} is missing: build first (npx tsc -b tsconfig.build.json)`);
  const script = `
    import { openKafkaQueue } from ${JSON.stringify(built.href)};
    const queue = await openKafkaQueue(${JSON.stringify(kafkaTestOptions(topicPrefix))});
    ${body}
    process.stdout.write('ready');
    setInterval(() => undefined, 1000);
  `;
  const child = spawn(process.execPath, ['--input-type=module', '-e', script], { stdio: ['ignore', 'pipe', 'inherit'] });
  const exited = new Promise((resolve) => child.once('exit', resolve));
  const kill = async () => {
    child.kill('SIGKILL');
    await exited;
  };
  try {
    await new Promise<void>((resolve, reject) => {
      child.stdout.on('data', (chunk: Buffer) => chunk.toString().includes('ready') && resolve());
      child.once('exit', (code) => reject(new Error(`the crashing process exited early (${code})`)));
    });
  } catch (error) {
    await kill();
    throw error;
  }
  return kill;
}

const newPrefix = () => `t${randomUUID().slice(0, 8)}`;

describe('Kafka queue across processes', () => {
  const opened: KafkaQueue[] = [];
  const prefixes: string[] = [];
  const open = async (prefix: string) => {
    const queue = await openKafkaQueue(kafkaTestOptions(prefix));
    opened.push(queue);
    return queue;
  };
  const prefix = () => {
    const p = newPrefix();
    prefixes.push(p);
    return p;
  };
  afterEach(async () => {
    await Promise.allSettled(opened.splice(0).map((queue) => queue.close()));
    await Promise.allSettled(prefixes.splice(0).map(deleteTestTopics));
  });

  it('hands the partitions and the stored executions of a closed executor to the other one', async () => {
    const p = prefix();
    const a = await open(p);
    const ids = ['e1', 'e2', 'e3', 'e4', 'e5', 'e6'];
    for (const id of ids) await a.events.emit([{ executionId: id, event: { type: 'start' }, execution: queueTestExecution(id, ['tr1']) }]);
    const claimed = await a.events.claim('x', 10, 60_000);
    expect(claimed.map((c) => c.executionId).sort()).toEqual(ids);
    for (const id of ids) {
      await a.store.commit('x', { execution: queueTestExecution(id, ['tr1']), expectedVersion: 0, changedTaskRuns: [], jobs: [], events: [], consumed: claimed.filter((c) => c.executionId === id).map((c) => c.seq), cancelJobs: [] });
    }
    const b = await open(p);
    // Both own a share once the group has rebalanced; every execution is in exactly one of them.
    await eventually(async () => {
      const inA = (await Promise.all(ids.map((id) => a.store.load(id)))).filter(Boolean).length;
      const inB = (await Promise.all(ids.map((id) => b.store.load(id)))).filter(Boolean).length;
      expect(inB).toBeGreaterThan(0);
      expect(inA + inB).toBe(ids.length);
    }, 30_000);
    // A process writes only the executions of its own partitions: the other's are refused, not overwritten.
    const ofB = [];
    for (const id of ids) if (await b.store.load(id)) ofB.push(id);
    await expect(
      a.store.commit('x', { execution: { ...queueTestExecution(ofB[0]!, ['tr1']), version: 2 }, expectedVersion: 1, changedTaskRuns: [], jobs: [], events: [], consumed: [], cancelJobs: [] }),
    ).rejects.toBeInstanceOf(KafkaPartitionNotOwnedError);
    await a.close();
    await eventually(async () => {
      for (const id of ids) expect((await b.store.load(id))?.version).toBe(1);
    }, 30_000);
    await b.events.emit(ids.map((id) => resumeEvent(id, `after-${id}`)));
    const next = await b.events.claim('y', 10, 60_000);
    // Only the new events: the consumed start events are not handed out again.
    expect(next.map((c) => [c.executionId, markerOf(c), c.storedVersion]).sort()).toEqual(ids.map((id) => [id, `after-${id}`, 1]));
    await expect(b.store.commit('y', { execution: queueTestExecution('e1', ['tr1']), expectedVersion: 0, changedTaskRuns: [], jobs: [], events: [], consumed: [], cancelJobs: [] })).rejects.toMatchObject({ name: 'VersionConflictError' });
  });

  it('hands the executions of a crashed executor process (killed, never closed) to the other one', async () => {
    const p = prefix();
    const ids = ['e1', 'e2', 'e3', 'e4', 'e5', 'e6'];
    const kill = await crashingProcess(
      p,
      `for (const execution of ${JSON.stringify(ids.map((id) => queueTestExecution(id)))}) await queue.store.commit('x', { execution, expectedVersion: 0, changedTaskRuns: [], jobs: [], events: [], consumed: [], cancelJobs: [] });`,
    );
    try {
      const survivor = await open(p);
      await kill();
      // After the dead member's session times out, the survivor owns every partition and restores every execution.
      await eventually(async () => {
        for (const id of ids) expect((await survivor.store.load(id))?.version).toBe(1);
      }, 60_000);
      await survivor.events.emit([resumeEvent('e1', 'after-crash')]);
      expect((await survivor.events.claim('y', 10, 60_000)).map((c) => [markerOf(c), c.storedVersion])).toEqual([['after-crash', 1]]);
    } finally {
      await kill();
    }
  });

  describe('precondition windows', () => {
    const inbox = conditionWindowInboxKey('company.team', 'downstream');
    const windowKey = conditionWindowKey('company.team', 'downstream', 't.pre');
    const write = (expectedVersion: number, results: Record<string, true>): ConditionWindowWrite => ({
      namespace: 'company.team',
      flowId: 'downstream',
      conditionId: 't.pre',
      expectedVersion,
      window: { namespace: 'company.team', flowId: 'downstream', conditionId: 't.pre', start: Date.now() - 1000, end: Date.now() + 3_600_000, results },
    });

    it('keeps a flow\'s windows when their owner crashes after a commit, and never applies its consumed result again', async () => {
      const p = prefix();
      // An older event not yet due in the same partition holds the committed offset below the consumed result, so
      // the result is redelivered to the next owner, which must skip it.
      const partition = kafkaPartitionOf(inbox, kafkaTestOptions(p).partitions!);
      const holder = Array.from({ length: 100 }, (_, i) => `held-${i}`).find((id) => kafkaPartitionOf(id, kafkaTestOptions(p).partitions!) === partition)!;
      const gathered = write(0, { condition_1: true });
      const fired = queueTestExecution('fired', [], 0);
      const kill = await crashingProcess(
        p,
        `await queue.events.emit([${JSON.stringify(resumeEvent(holder, 'later', new Date(Date.now() + 600_000).toISOString()))}]);
         await queue.events.emit([${JSON.stringify(preconditionResultEvent('up-1'))}]);
         const claimed = (await queue.events.claim('x', 10, 60000)).filter((c) => c.executionId === ${JSON.stringify(inbox)});
         if (claimed.length !== 1) throw new Error('the result was not claimed');
         await queue.store.commitConditionWindows('x', {
           key: ${JSON.stringify(inbox)},
           conditionWindows: [${JSON.stringify(gathered)}],
           events: [{ executionId: 'fired', event: { type: 'start' }, execution: ${JSON.stringify(fired)} }],
           consumed: claimed.map((c) => c.seq),
         });`,
      );
      try {
        const survivor = await open(p);
        await kill();
        await eventually(async () => {
          expect(await survivor.store.loadConditionWindows([windowKey])).toEqual(new Map([[windowKey, { window: gathered.window, version: 1 }]]));
        }, 60_000);
        // The start the commit wrote is there once; the consumed result is not handed out again, the held event not yet.
        expect((await survivor.events.claim('y', 10, 60_000)).map((c) => [c.executionId, c.event.type])).toEqual([['fired', 'start']]);
        await survivor.events.emit([preconditionResultEvent('up-2')]);
        expect((await survivor.events.claim('y', 10, 60_000)).map((c) => [c.executionId, c.event.type])).toEqual([[inbox, 'preconditionResult']]);
        await expect(survivor.store.commitConditionWindows('y', { key: inbox, conditionWindows: [write(0, { condition_2: true })], events: [], consumed: [] })).rejects.toBeInstanceOf(
          ConditionWindowConflictError,
        );
      } finally {
        await kill();
      }
    });

    it('serves a flow\'s windows only from the executor owning its inbox key, and hands them over on close', async () => {
      const p = prefix();
      const a = await open(p);
      await a.events.emit([preconditionResultEvent('up-1')]);
      const claimed = await a.events.claim('x', 10, 60_000);
      const first = write(0, { condition_1: true });
      await a.store.commitConditionWindows('x', { key: inbox, conditionWindows: [first], events: [], consumed: claimed.map((c) => c.seq) });
      const b = await open(p);
      await b.events.claim('y', 10, 60_000);
      // Once the group has rebalanced, exactly one of them reads the windows; the other refuses to.
      let owner: KafkaQueue | undefined;
      let other: KafkaQueue | undefined;
      await eventually(async () => {
        const [fromA, fromB] = await Promise.allSettled([a.store.loadConditionWindows([windowKey]), b.store.loadConditionWindows([windowKey])]);
        expect([fromA.status, fromB.status].sort()).toEqual(['fulfilled', 'rejected']);
        [owner, other] = fromA.status === 'fulfilled' ? [a, b] : [b, a];
        const served = (fromA.status === 'fulfilled' ? fromA : fromB) as PromiseFulfilledResult<Map<string, unknown>>;
        expect(served.value.get(windowKey)).toEqual({ window: first.window, version: 1 });
      }, 60_000);
      await expect(other!.store.commitConditionWindows('z', { key: inbox, conditionWindows: [write(1, { condition_2: true })], events: [], consumed: [] })).rejects.toBeInstanceOf(
        KafkaPartitionNotOwnedError,
      );
      await owner!.close();
      await eventually(async () => {
        expect((await other!.store.loadConditionWindows([windowKey])).get(windowKey)).toEqual({ window: first.window, version: 1 });
      }, 60_000);
      await expect(other!.store.commitConditionWindows('z', { key: inbox, conditionWindows: [write(0, { condition_2: true })], events: [], consumed: [] })).rejects.toBeInstanceOf(
        ConditionWindowConflictError,
      );
      const both = write(1, { condition_1: true, condition_2: true });
      await other!.store.commitConditionWindows('z', { key: inbox, conditionWindows: [both], events: [], consumed: [] });
      expect((await other!.store.loadConditionWindows([windowKey])).get(windowKey)).toEqual({ window: both.window, version: 2 });
    });
  });

  it('broadcasts a message of one process to the subscribers of every process', async () => {
    const p = prefix();
    const [a, b] = [await open(p), await open(p)];
    const seenA: BroadcastMessage[] = [];
    const seenB: BroadcastMessage[] = [];
    a.broadcast.subscribe((m) => seenA.push(m));
    b.broadcast.subscribe((m) => seenB.push(m));
    await sleep(200);
    const kill: BroadcastMessage = { type: 'killTaskRuns', executionId: 'e1', taskRunIds: ['tr1'] };
    await a.broadcast.publish(kill);
    await b.broadcast.publish({ type: 'flowChanged', namespace: 'company.team', flowId: 'hello' });
    await eventually(() => {
      expect(seenA).toEqual([kill, { type: 'flowChanged', namespace: 'company.team', flowId: 'hello' }]);
      expect(seenB).toEqual(seenA);
    }, 10_000);
  });

  it('keeps a delayed event across a restart, and does not redeliver the events consumed after it', async () => {
    const p = prefix();
    const a = await open(p);
    const dueAt = Date.now() + 4_000;
    await a.events.emit([resumeEvent('e1', 'timer', new Date(dueAt).toISOString())]);
    await a.events.emit([{ executionId: 'e1', event: { type: 'start' }, execution: queueTestExecution('e1') }, resumeEvent('e1', 'now')]);
    const claimed = await a.events.claim('x', 10, 60_000);
    expect(claimed.map((c) => c.event.type)).toEqual(['start', 'resume']);
    await a.store.commit('x', { execution: queueTestExecution('e1'), expectedVersion: 0, changedTaskRuns: [], jobs: [], events: [], consumed: claimed.map((c) => c.seq), cancelJobs: [] });
    expect(await a.events.depth()).toBe(1);
    await a.close();

    const b = await open(p);
    expect((await b.store.load('e1'))?.version).toBe(1);
    expect(await b.events.depth()).toBe(1);
    expect(await b.events.claim('y', 10, 60_000)).toEqual([]);
    await sleep(Math.max(0, dueAt - Date.now()) + 50);
    const due = await b.events.claim('y', 10, 60_000);
    expect(due.map(markerOf)).toEqual(['timer']);
    expect(due[0]?.storedVersion).toBe(1);
  });

  it('runs the job of a dead worker (no renewal, its process killed) again on another process', async () => {
    const p = prefix();
    const job = queueTestJob('e1', 'tr1');
    const kill = await crashingProcess(
      p,
      `await queue.jobs.publish([${JSON.stringify(queueTestJob('e1', 'tr1'))}]);
       const leases = await queue.jobs.take('dying-worker', 1, 500);
       if (leases.length !== 1) throw new Error('the dying worker got no job');`,
    );
    try {
      const alive = await open(p);
      await kill();
      await eventually(async () => {
        const again = await alive.jobs.take('other-worker', 1, 10_000);
        expect(again.map((l) => [l.job, l.deliveries])).toEqual([[job, 2]]);
      }, 60_000);
    } finally {
      await kill();
    }
  });

  it('feeds committed executions and logs to the indexer once each, and lets a restarted indexer resume', async () => {
    const p = prefix();
    const queue = await open(p);
    const execution: Execution = queueTestExecution('e1', ['tr1']);
    const log = (message: string): LogEntry => ({ namespace: 'company.team', flowId: 'hello', executionId: 'e1', timestamp: new Date().toISOString(), level: 'INFO', message });
    await queue.store.commit('x', { execution, expectedVersion: 0, changedTaskRuns: [], jobs: [], events: [], consumed: [], cancelJobs: [] });
    await queue.logs.append([log('one'), log('two')]);
    const seen: KafkaIndexBatch[] = [];
    const feed = await openKafkaIndexFeed({ brokers: testBrokers(), topicPrefix: p, groupId: `${p}.indexer`, sessionTimeoutMs: 6_000, heartbeatIntervalMs: 300, onBatch: async (batch) => void seen.push(batch) });
    try {
      await eventually(async () => {
        expect(seen.flatMap((b) => b.executions.map((e) => [e.id, e.version]))).toEqual([['e1', 1]]);
        expect(seen.flatMap((b) => b.logs.map((l) => l.message))).toEqual(['one', 'two']);
        expect(await feed.lag()).toBe(0);
      }, 30_000);
      const ids = seen.flatMap((b) => b.logs.map((l) => l.id));
      expect(new Set(ids).size).toBe(2);
    } finally {
      await feed.close();
    }
    await queue.logs.append([log('three')]);
    seen.length = 0;
    const again = await openKafkaIndexFeed({ brokers: testBrokers(), topicPrefix: p, groupId: `${p}.indexer`, sessionTimeoutMs: 6_000, heartbeatIntervalMs: 300, onBatch: async (batch) => void seen.push(batch) });
    try {
      await eventually(() => expect(seen.flatMap((b) => b.logs.map((l) => l.message))).toEqual(['three']), 30_000);
      expect(seen.flatMap((b) => b.executions)).toEqual([]);
    } finally {
      await again.close();
    }
  });
});
