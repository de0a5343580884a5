/// <reference types="jest" />
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomUUID } from 'node:crypto';
import { jest } from '@jest/globals';
import { openBullmqWorkerJobQueue } from '@osprey/queue/redis';
import { openSqliteQueue } from '@osprey/queue/sql';
import { executionEventQueueContract, executorStoreContract, queueTestJob, sleep, workerJobQueueContract, type QueueUnderTest } from '@osprey/queue/testing';
import { RelayedExecutorStore, RelayedWorkerJobQueue, WorkerJobRelay } from './redis-worker-jobs.js';

/**
 * Worker jobs on Redis as the backend composes them: events, store and outbox on a SQLite file, jobs in BullMQ, the
 * relay between them. The composition is a queue like any other, so it passes the same contracts.
 */
jest.setTimeout(30_000);

function redisUrl(): string {
  const url = process.env.OSPREY_TEST_REDIS_URL;
  if (!url) throw new Error('OSPREY_TEST_REDIS_URL is not set: run through `npm test`, or start Redis with `node scripts/servers/run.mjs redis`');
  return url;
}

interface RelayedQueue extends QueueUnderTest {
  relay: WorkerJobRelay;
  outbox: QueueUnderTest['jobs'];
}

async function openRelayedQueue(options: { relayLoop?: boolean } = {}): Promise<RelayedQueue> {
  const dir = mkdtempSync(join(tmpdir(), 'osprey-relayed-'));
  const sqlite = await openSqliteQueue(join(dir, 'osprey.db'));
  const redis = await openBullmqWorkerJobQueue({ url: redisUrl(), prefix: `t-${randomUUID().slice(0, 8)}`, events: sqlite.events, stalledCheckMs: 25 });
  const errors: unknown[] = [];
  const relay = new WorkerJobRelay(sqlite.jobs, redis, (error) => errors.push(error));
  if (options.relayLoop) relay.start();
  return {
    events: sqlite.events,
    broadcast: sqlite.broadcast,
    store: new RelayedExecutorStore(sqlite.store, redis, relay),
    jobs: new RelayedWorkerJobQueue(redis, sqlite.jobs),
    relay,
    outbox: sqlite.jobs,
    async close() {
      await relay.stop();
      await redis.close();
      await sqlite.close();
      rmSync(dir, { recursive: true, force: true });
      expect(errors).toEqual([]);
    },
  };
}

executionEventQueueContract('SQLite + Redis worker jobs', () => openRelayedQueue());
executorStoreContract('SQLite + Redis worker jobs', () => openRelayedQueue());
workerJobQueueContract('SQLite + Redis worker jobs', () => openRelayedQueue());

describe('WorkerJobRelay', () => {
  it('moves jobs left in the outbox (a relay died after the commit) to Redis, once', async () => {
    const queue = await openRelayedQueue({ relayLoop: true });
    try {
      // Written to the outbox as a commit would, without this process moving them.
      await queue.outbox.publish([queueTestJob('e1', 'tr1'), queueTestJob('e1', 'tr2')]);
      let taken: string[] = [];
      for (let i = 0; i < 100 && taken.length < 2; i++) {
        taken = [...taken, ...(await queue.jobs.take('w', 10, 10_000)).map((l) => l.job.id)];
        if (taken.length < 2) await sleep(20);
      }
      expect(taken.sort()).toEqual(['tr1:1', 'tr2:1']);
      expect(await queue.outbox.depth()).toEqual({ pending: 0, running: 0 });
      expect(queue.relay.relayed).toBe(2);
    } finally {
      await queue.close();
    }
  });

  it("moves a job of a worker group to its group's queue, where only a worker of the group takes it", async () => {
    const queue = await openRelayedQueue();
    try {
      // Written to the outbox as the executor's commit would.
      await queue.outbox.publish([{ ...queueTestJob('e1', 'gpu1'), workerGroup: 'gpu' }, queueTestJob('e1', 'plain')]);
      expect(await queue.relay.relayOnce()).toBe(2);
      expect((await queue.jobs.take('w', 10, 10_000, { workerGroup: null })).map((l) => l.job.id)).toEqual(['plain:1']);
      expect(await queue.jobs.take('w', 10, 10_000, { workerGroup: null })).toEqual([]);
      const [lease] = await queue.jobs.take('g', 10, 10_000, { workerGroup: 'gpu' });
      expect(lease!.job).toEqual({ ...queueTestJob('e1', 'gpu1'), workerGroup: 'gpu' });
    } finally {
      await queue.close();
    }
  });
});
