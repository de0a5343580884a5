import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { jest } from '@jest/globals';
import type { TaskResultEvent } from '@osprey/flow-model';
import { Queue } from 'bullmq';
import type { LeasedJob } from '../ports.js';
import { openSqliteQueue } from '../sqlite/index.js';
import { queueTestJob, sleep, workerJobQueueContract, type QueueUnderTest } from '../testing/index.js';
import type { BullmqWorkerJobQueue } from './bullmq-worker-job-queue.js';
import { openBullmqWorkerJobQueue } from './open-bullmq-worker-job-queue.js';

/** The Redis of scripts/servers/redis.mjs; without it these tests fail, they do not skip. */
function redisUrl(): string {
  const url = process.env.OSPREY_TEST_REDIS_URL;
  if (!url) throw new Error('OSPREY_TEST_REDIS_URL is not set: start Redis with `node scripts/servers/run.mjs redis`');
  return url;
}

type RedisQueueUnderTest = QueueUnderTest & { jobs: BullmqWorkerJobQueue; prefix: string };

/** Worker jobs on Redis under a fresh key prefix; events, store and broadcast on a fresh SQLite file, as deployed. */
async function openRedisQueue(prefix = `test-${randomUUID()}`): Promise<RedisQueueUnderTest> {
  const dir = mkdtempSync(join(tmpdir(), 'osprey-bullmq-'));
  const sqlite = await openSqliteQueue(join(dir, 'queue.db'));
  let jobs: BullmqWorkerJobQueue;
  try {
    jobs = await openBullmqWorkerJobQueue({ url: redisUrl(), prefix, events: sqlite.events, stalledCheckMs: 25 });
  } catch (error) {
    await sqlite.close();
    rmSync(dir, { recursive: true, force: true });
    throw error;
  }
  return {
    prefix,
    jobs,
    events: sqlite.events,
    store: sqlite.store,
    broadcast: sqlite.broadcast,
    close: async () => {
      await jobs.close();
      await sqlite.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

function result(taskRunId: string): TaskResultEvent {
  return { type: 'taskResult', taskRunId, attempt: 1, state: 'SUCCESS', outputs: {}, workerId: 'w1' };
}

/** Every lasting Redis key under `prefix` (not the throttle of the stalled check, which expires), read through a BullMQ connection of its own. */
async function keysOf(prefix: string): Promise<string[]> {
  const queue = new Queue('worker-jobs', { connection: { url: redisUrl() }, prefix });
  try {
    await queue.waitUntilReady();
    const client = await queue.backend.client;
    const keys: string[] = [];
    let cursor = '0';
    do {
      const [next, batch] = await client.scan(cursor, { MATCH: `${prefix}:*`, COUNT: 1000 });
      keys.push(...batch);
      cursor = next;
    } while (cursor !== '0');
    return keys.filter((key) => !key.endsWith(':stalled-check')).sort();
  } finally {
    await queue.close();
  }
}

async function takeWithin(queue: BullmqWorkerJobQueue, workerId: string, leaseMs: number, timeoutMs: number): Promise<LeasedJob[]> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const leases = await queue.take(workerId, 10, leaseMs);
    if (leases.length > 0 || Date.now() > deadline) return leases;
    await sleep(20);
  }
}

jest.setTimeout(30_000);

workerJobQueueContract('redis (BullMQ)', () => openRedisQueue());

describe('BullmqWorkerJobQueue', () => {
  const open: RedisQueueUnderTest[] = [];
  const openQueue = async (prefix?: string) => {
    const queue = await openRedisQueue(prefix);
    open.push(queue);
    return queue;
  };
  afterEach(async () => {
    await Promise.all(open.splice(0).map((queue) => queue.close()));
  });

  it('hands the job of a worker that stopped renewing to another worker after the lease, as a second delivery', async () => {
    const dead = await openQueue();
    const alive = await openQueue(dead.prefix);
    const lease = 300;
    await dead.jobs.publish([queueTestJob('e1', 'tr1')]);
    const takenAt = Date.now();
    const [first] = await dead.jobs.take('dead', 1, lease);
    expect(first.deliveries).toBe(1);
    // The dead worker never renews nor closes: only its lock's expiry frees the job.
    expect(await alive.jobs.take('alive', 1, lease)).toEqual([]);
    const [again] = await takeWithin(alive.jobs, 'alive', 10_000, 5_000);
    expect(Date.now() - takenAt).toBeGreaterThanOrEqual(lease);
    expect(again.job).toEqual(first.job);
    expect(again.deliveries).toBe(2);
    expect(await dead.jobs.renew('dead', ['tr1:1'], lease)).toEqual(['tr1:1']);
    expect(await alive.jobs.renew('alive', ['tr1:1'], lease)).toEqual([]);
  });

  it('stores a job published twice once, in one batch or in two', async () => {
    const queue = await openQueue();
    const job = queueTestJob('e1', 'tr1');
    await queue.jobs.publish([job, job]);
    await queue.jobs.publish([job]);
    expect(await queue.jobs.depth()).toEqual({ pending: 1, running: 0 });
    expect((await queue.jobs.take('w1', 10, 10_000)).map((l) => l.job.id)).toEqual(['tr1:1']);
    expect(await queue.jobs.take('w2', 10, 10_000)).toEqual([]);
  });

  it('keeps job ids that BullMQ would refuse (colons, integers) and the payload intact', async () => {
    const queue = await openQueue();
    const odd = { ...queueTestJob('e1', 'a:b'), id: 'a:b:1' };
    const integer = { ...queueTestJob('e1', '7'), id: '7' };
    await queue.jobs.publish([odd, integer]);
    const leases = await queue.jobs.take('w1', 10, 10_000);
    expect(leases.map((l) => l.job)).toEqual([odd, integer]);
    // `a` is a prefix of the task run `a:b` but not its owner.
    expect(await queue.jobs.cancel(['a'])).toEqual([]);
    expect(await queue.jobs.cancel(['a:b'])).toEqual(['a:b:1']);
  });

  it('removes a completed job from Redis: keys do not grow with the number of jobs', async () => {
    const queue = await openQueue();
    const round = async (from: number) => {
      const jobs = Array.from({ length: 20 }, (_, i) => queueTestJob('e1', `tr${from + i}`));
      await queue.jobs.publish(jobs);
      const leases = await queue.jobs.take('w1', 20, 10_000);
      expect(leases).toHaveLength(20);
      for (const lease of leases) await queue.jobs.complete(lease, result(lease.job.taskRun.id));
    };
    await round(0);
    const afterFirst = await keysOf(queue.prefix);
    expect(afterFirst.filter((key) => key.includes(':job-') || key.endsWith(':osprey-task-run-jobs'))).toEqual([]);
    await round(100);
    expect(await keysOf(queue.prefix)).toEqual(afterFirst);
    expect(await queue.jobs.depth()).toEqual({ pending: 0, running: 0 });
  });

  it('cancels the job of a dead worker once its lease expired, as a queued one', async () => {
    const queue = await openQueue();
    await queue.jobs.publish([queueTestJob('e1', 'tr1')]);
    await queue.jobs.take('dead', 1, 100);
    await sleep(150);
    expect(await queue.jobs.cancel(['tr1'])).toEqual([]);
    await sleep(100);
    expect(await queue.jobs.depth()).toEqual({ pending: 0, running: 0 });
    expect(await queue.jobs.take('w2', 10, 10_000)).toEqual([]);
  });

  it("counts and cancels a group's jobs from a process that never used the group", async () => {
    const relay = await openQueue();
    const executor = await openQueue(relay.prefix);
    await relay.jobs.publish([{ ...queueTestJob('e1', 'gpu1'), workerGroup: 'gpu' }, { ...queueTestJob('e1', 'gpu2'), workerGroup: 'gpu' }]);
    expect(await executor.jobs.depth()).toEqual({ pending: 2, running: 0 });
    expect(await executor.jobs.cancel(['gpu1'])).toEqual([]);
    expect(await executor.jobs.depth()).toEqual({ pending: 1, running: 0 });
    expect(await executor.jobs.take('w1', 10, 10_000, { workerGroup: null })).toEqual([]);
    expect((await executor.jobs.take('g1', 10, 10_000, { workerGroup: 'gpu' })).map((l) => l.job.taskRun.id)).toEqual(['gpu2']);
  });

  it('makes a job given back by one process available to another at once', async () => {
    const stopping = await openQueue();
    const other = await openQueue(stopping.prefix);
    await stopping.jobs.publish([queueTestJob('e1', 'tr1')]);
    const [lease] = await stopping.jobs.take('stopping', 1, 10_000);
    // Lets the publish reach the other instance, whose empty take then marks it seen.
    await sleep(200);
    expect(await other.jobs.take('other', 1, 10_000)).toEqual([]);
    let woken = false;
    const waiting = other.jobs.waitForJobs(30_000).then(() => (woken = true));
    await sleep(100);
    expect(woken).toBe(false);
    const started = Date.now();
    await stopping.jobs.giveBack(lease);
    await waiting;
    expect(Date.now() - started).toBeLessThan(5_000);
    const [next] = await other.jobs.take('other', 1, 10_000);
    expect(next.deliveries).toBe(2);
  });
});
