/// <reference types="jest" />
import type { TaskResultEvent, WorkerJob } from '@osprey/flow-model';
import type { Closable } from '../ports.js';
import { queueTestJob, sleep, type QueueUnderTest } from './queue-fixtures.js';

export interface WorkerJobQueueContractOptions {
  /**
   * The short lease the expiry cases use (default 1 s). Long enough that a take, a renewal and the checks between them
   * fit in it on a loaded 2-core machine (200 ms made the BullMQ and SQL cases flaky there), short enough to expire
   * within the test.
   */
  leaseMs?: number;
}

function grouped(job: WorkerJob, workerGroup: string): WorkerJob {
  return { ...job, workerGroup };
}

function result(taskRunId: string, attempt = 1): TaskResultEvent {
  return { type: 'taskResult', taskRunId, attempt, state: 'SUCCESS', outputs: { value: 42 }, workerId: 'w1' };
}

/** The guarantees of WorkerJobQueue; completion is checked through the execution event queue it feeds. */
export function workerJobQueueContract(
  name: string,
  open: () => Promise<Pick<QueueUnderTest, 'jobs' | 'events'> & Closable>,
  options: WorkerJobQueueContractOptions = {},
): void {
  const LEASE = options.leaseMs ?? 1000;
  describe(`WorkerJobQueue contract: ${name}`, () => {
    let queue: Pick<QueueUnderTest, 'jobs' | 'events'> & Closable;
    // Opening creates a database or topics: slow on a loaded machine.
    beforeEach(async () => {
      queue = await open();
    }, 60_000);
    afterEach(async () => {
      await queue.close();
    }, 60_000);

    it('leases a published job with its payload, delivery count and deadline', async () => {
      const job = queueTestJob('e1', 'tr1');
      await queue.jobs.publish([job]);
      expect(await queue.jobs.depth()).toEqual({ pending: 1, running: 0 });
      const before = Date.now();
      const [lease] = await queue.jobs.take('w1', 10, LEASE);
      expect(lease.job).toEqual(job);
      expect(lease.workerId).toBe('w1');
      expect(lease.deliveries).toBe(1);
      expect(lease.leaseUntil).toBeGreaterThanOrEqual(before + LEASE);
      expect(lease.leaseUntil).toBeLessThanOrEqual(Date.now() + LEASE + 50);
      expect(await queue.jobs.depth()).toEqual({ pending: 0, running: 1 });
      expect(await queue.jobs.take('w2', 10, LEASE)).toEqual([]);
    });

    it('takes at most max jobs, oldest first', async () => {
      await queue.jobs.publish([queueTestJob('e1', 'a'), queueTestJob('e1', 'b')]);
      await queue.jobs.publish([queueTestJob('e1', 'c')]);
      const first = await queue.jobs.take('w1', 2, LEASE);
      expect(first.map((l) => l.job.taskRun.id)).toEqual(['a', 'b']);
      expect((await queue.jobs.take('w1', 2, LEASE)).map((l) => l.job.taskRun.id)).toEqual(['c']);
    });

    it('hands each job to exactly one of competing workers', async () => {
      const jobs = Array.from({ length: 30 }, (_, i) => queueTestJob(`e${i % 3}`, `tr${i}`));
      await queue.jobs.publish(jobs);
      const taken: string[] = [];
      const worker = async (id: string) => {
        for (;;) {
          const leases = await queue.jobs.take(id, 4, 10_000);
          if (leases.length === 0) return;
          taken.push(...leases.map((l) => l.job.id));
        }
      };
      await Promise.all([worker('w1'), worker('w2'), worker('w3')]);
      expect(taken.length).toBe(30);
      expect(new Set(taken)).toEqual(new Set(jobs.map((j) => j.id)));
    });

    it('hands a job out again when its lease is not renewed, and tells the old worker it lost it', async () => {
      await queue.jobs.publish([queueTestJob('e1', 'tr1')]);
      await queue.jobs.take('dead', 10, LEASE);
      expect(await queue.jobs.take('alive', 10, LEASE)).toEqual([]);
      await sleep(LEASE + 80);
      expect(await queue.jobs.depth()).toEqual({ pending: 1, running: 0 });
      const [again] = await queue.jobs.take('alive', 10, LEASE);
      expect(again.job.id).toBe('tr1:1');
      expect(again.workerId).toBe('alive');
      expect(again.deliveries).toBe(2);
      expect(await queue.jobs.renew('dead', ['tr1:1'], LEASE)).toEqual(['tr1:1']);
      expect(await queue.jobs.renew('alive', ['tr1:1'], LEASE)).toEqual([]);
    });

    it('keeps a renewed lease', async () => {
      await queue.jobs.publish([queueTestJob('e1', 'tr1')]);
      await queue.jobs.take('w1', 10, LEASE);
      for (let i = 0; i < 3; i++) {
        await sleep(LEASE / 2);
        expect(await queue.jobs.renew('w1', ['tr1:1', 'unknown:1'], LEASE)).toEqual(['unknown:1']);
      }
      expect(await queue.jobs.take('w2', 10, LEASE)).toEqual([]);
    });

    it('completes a job by removing it and emitting its result to the execution, atomically', async () => {
      await queue.jobs.publish([queueTestJob('e1', 'tr1'), queueTestJob('e2', 'tr2')]);
      const [lease] = await queue.jobs.take('w1', 1, LEASE);
      await queue.jobs.complete(lease, result('tr1'));
      expect(await queue.jobs.depth()).toEqual({ pending: 1, running: 0 });
      expect(await queue.jobs.renew('w1', ['tr1:1'], LEASE)).toEqual(['tr1:1']);
      const claimed = await queue.events.claim('executor', 10, LEASE);
      expect(claimed.map((c) => [c.executionId, c.event])).toEqual([['e1', result('tr1')]]);
    });

    it('still delivers the result of a job whose lease was lost', async () => {
      await queue.jobs.publish([queueTestJob('e1', 'tr1')]);
      const [slow] = await queue.jobs.take('slow', 1, LEASE);
      await sleep(LEASE + 80);
      await queue.jobs.take('other', 1, 10_000);
      await queue.jobs.complete(slow, result('tr1'));
      const claimed = await queue.events.claim('executor', 10, LEASE);
      expect(claimed.map((c) => c.event)).toEqual([result('tr1')]);
    });

    it('makes a job given back available to another worker at once', async () => {
      await queue.jobs.publish([queueTestJob('e1', 'tr1')]);
      const [lease] = await queue.jobs.take('stopping', 1, 10_000);
      await queue.jobs.giveBack(lease);
      const [next] = await queue.jobs.take('other', 1, LEASE);
      expect(next.job.id).toBe('tr1:1');
      expect(next.deliveries).toBe(2);
    });

    it('removes handed-off jobs for good, but not a lease the holder lost', async () => {
      await queue.jobs.publish([queueTestJob('e1', 'tr1'), queueTestJob('e1', 'tr2')]);
      const leases = await queue.jobs.take('relay', 2, LEASE);
      expect(leases).toHaveLength(2);
      await queue.jobs.handOff([leases[0]!]);
      await sleep(LEASE + 80);
      // tr2's lease expired: another worker holds it now, and the old holder's hand-off must not remove it.
      const [again] = await queue.jobs.take('other', 10, 10_000);
      expect(again!.job.id).toBe('tr2:1');
      await queue.jobs.handOff([leases[1]!]);
      expect(await queue.jobs.depth()).toEqual({ pending: 0, running: 1 });
      expect(await queue.jobs.take('late', 10, LEASE)).toEqual([]);
    });

    it('cancels queued jobs of task runs and reports the ones running', async () => {
      await queue.jobs.publish([queueTestJob('e1', 'tr1'), queueTestJob('e1', 'tr2'), queueTestJob('e1', 'tr3')]);
      const [running] = await queue.jobs.take('w1', 1, 10_000);
      expect(running.job.taskRun.id).toBe('tr1');
      expect(await queue.jobs.cancel(['tr1', 'tr2'])).toEqual(['tr1:1']);
      const rest = await queue.jobs.take('w2', 10, LEASE);
      expect(rest.map((l) => l.job.taskRun.id)).toEqual(['tr3']);
      expect(await queue.jobs.depth()).toEqual({ pending: 0, running: 2 });
    });

    it('wakes a waiting worker when a job is published, and on abort', async () => {
      const started = Date.now();
      // Waits give up after 30 s: returning well before means the write or the abort woke the waiter.
      const waiting = queue.jobs.waitForJobs(30_000);
      await sleep(20);
      await queue.jobs.publish([queueTestJob('e1', 'tr1')]);
      await waiting;
      expect(Date.now() - started).toBeLessThan(10_000);
      const controller = new AbortController();
      const aborted = queue.jobs.waitForJobs(30_000, controller.signal);
      setTimeout(() => controller.abort(), 20);
      const abortedAt = Date.now();
      await aborted;
      expect(Date.now() - abortedAt).toBeLessThan(10_000);
    });


    it('hands a job of a worker group only to workers of that group, and a job of no group only to workers of none', async () => {
      await queue.jobs.publish([grouped(queueTestJob('e1', 'gpu1'), 'gpu'), queueTestJob('e1', 'plain'), grouped(queueTestJob('e1', 'eu1'), 'eu')]);
      expect(await queue.jobs.take('other', 10, LEASE, { workerGroup: 'other' })).toEqual([]);
      const plain = await queue.jobs.take('w1', 10, LEASE, { workerGroup: null });
      expect(plain.map((l) => l.job.taskRun.id)).toEqual(['plain']);
      const gpu = await queue.jobs.take('g1', 10, LEASE, { workerGroup: 'gpu' });
      expect(gpu.map((l) => l.job)).toEqual([grouped(queueTestJob('e1', 'gpu1'), 'gpu')]);
      expect(await queue.jobs.take('w2', 10, LEASE, { workerGroup: null })).toEqual([]);
      expect((await queue.jobs.take('e1', 10, LEASE, { workerGroup: 'eu' })).map((l) => l.job.taskRun.id)).toEqual(['eu1']);
      expect(await queue.jobs.depth()).toEqual({ pending: 0, running: 3 });
    });

    it('keeps a job in its worker group when it is given back or its lease expires', async () => {
      await queue.jobs.publish([grouped(queueTestJob('e1', 'gpu1'), 'gpu'), grouped(queueTestJob('e1', 'gpu2'), 'gpu')]);
      const [first, second] = await queue.jobs.take('g1', 10, LEASE, { workerGroup: 'gpu' });
      await queue.jobs.giveBack(first!);
      await sleep(LEASE + 80);
      expect(second).toBeDefined();
      expect(await queue.jobs.take('w1', 10, LEASE, { workerGroup: null })).toEqual([]);
      const again = await queue.jobs.take('g2', 10, LEASE, { workerGroup: 'gpu' });
      expect(again.map((l) => l.job.taskRun.id).sort()).toEqual(['gpu1', 'gpu2']);
    });

    it('hands jobs of every group to a take without a group filter (a relay)', async () => {
      await queue.jobs.publish([grouped(queueTestJob('e1', 'gpu1'), 'gpu'), queueTestJob('e1', 'plain')]);
      // The order across groups is not part of the contract (each group's jobs may wait in a queue of their own).
      expect((await queue.jobs.take('relay', 10, LEASE)).map((l) => l.job.taskRun.id).sort()).toEqual(['gpu1', 'plain']);
    });

    it('wakes a worker of a group waiting before any job of its group exists, when one is published', async () => {
      expect(await queue.jobs.take('g1', 10, LEASE, { workerGroup: 'gpu' })).toEqual([]);
      const started = Date.now();
      // The wait gives up after 30 s: returning well before means the job of the group woke it.
      const waiting = queue.jobs.waitForJobs(30_000, undefined, { workerGroup: 'gpu' });
      await sleep(20);
      await queue.jobs.publish([grouped(queueTestJob('e1', 'gpu1'), 'gpu')]);
      await waiting;
      expect(Date.now() - started).toBeLessThan(10_000);
      expect((await queue.jobs.take('g1', 10, LEASE, { workerGroup: 'gpu' })).map((l) => l.job.taskRun.id)).toEqual(['gpu1']);
    });

    it('cancels the queued jobs of a group and completes its leased ones', async () => {
      await queue.jobs.publish([grouped(queueTestJob('e1', 'gpu1'), 'gpu'), grouped(queueTestJob('e2', 'gpu2'), 'gpu')]);
      const [lease] = await queue.jobs.take('g1', 1, 10_000, { workerGroup: 'gpu' });
      expect(lease!.job.taskRun.id).toBe('gpu1');
      expect(await queue.jobs.cancel(['gpu1', 'gpu2'])).toEqual(['gpu1:1']);
      expect(await queue.jobs.take('g2', 10, LEASE, { workerGroup: 'gpu' })).toEqual([]);
      await queue.jobs.complete(lease!, result('gpu1'));
      expect(await queue.jobs.depth()).toEqual({ pending: 0, running: 0 });
      const claimed = await queue.events.claim('executor', 10, LEASE);
      expect(claimed.map((c) => [c.executionId, c.event])).toEqual([['e1', result('gpu1')]]);
    });
  });
}
