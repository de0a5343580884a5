import type { LeasedJob } from '@osprey/queue';
import { deferred, type Deferred, FakeJobQueue, recordingLogger, until, workerJob } from '../testing/in-memory-queues.js';
import { JobHandedBackError, JobKilledError, LeaseLostError, isLeaseGone } from './abort-reasons.js';
import type { QueueContext } from './queue-context.js';
import { WORKER_JOB_PATTERN } from './queue-patterns.js';
import { WorkerJobsConsumer, type WorkerJobsConsumerOptions } from './worker-jobs-consumer.js';

interface Delivery {
  lease: LeasedJob;
  context: QueueContext;
  gate: Deferred;
}

describe('WorkerJobsConsumer', () => {
  let consumer: WorkerJobsConsumer | undefined;
  afterEach(async () => {
    await consumer?.stop();
    consumer = undefined;
  });

  /** A consumer whose handler runs until the test opens its gate (or its signal aborts). */
  const start = (jobs: FakeJobQueue, options: Partial<WorkerJobsConsumerOptions> = {}) => {
    const { logger, lines } = recordingLogger();
    const deliveries: Delivery[] = [];
    consumer = new WorkerJobsConsumer(jobs, logger, { workerId: 'worker-1', concurrency: 2, leaseMs: 60_000, shutdownGraceMs: 0, ...options });
    consumer.start(async (pattern, data, context) => {
      expect(pattern).toBe(WORKER_JOB_PATTERN);
      const lease = data as LeasedJob;
      const gate = deferred();
      deliveries.push({ lease, context, gate });
      context.getSignal().addEventListener('abort', () => gate.resolve());
      await gate.promise;
      if (!isLeaseGone(context.getSignal())) await jobs.complete(lease, { type: 'taskResult', taskRunId: lease.job.taskRun.id, attempt: 1, state: 'SUCCESS' });
    });
    return { deliveries, lines };
  };

  it('takes no more jobs than free slots and takes again as handlers end', async () => {
    const jobs = new FakeJobQueue();
    await jobs.publish(['a', 'b', 'c', 'd', 'e'].map(workerJob));
    const { deliveries } = start(jobs);
    await until(() => deliveries.length === 2);
    expect(jobs.takes[0]).toBe(2);
    expect(consumer!.activeJobs).toBe(2);
    deliveries[0]!.gate.resolve();
    await until(() => deliveries.length === 3);
    expect(jobs.takes.at(-1)).toBe(1);
    expect(consumer!.activeJobs).toBe(2);
    for (let i = 1; i < 5; i++) {
      await until(() => deliveries.length > i);
      deliveries[i]!.gate.resolve();
    }
    await until(() => jobs.leased.size === 0 && jobs.pending.length === 0);
    expect(deliveries.map((d) => d.context.getIds())).toContainEqual({ executionId: 'exec-c', taskRunId: 'c', taskId: 'task-c' });
  });

  it('aborts the job a kill names, with JobKilledError, and no other', async () => {
    const jobs = new FakeJobQueue();
    await jobs.publish([workerJob('a'), workerJob('b')]);
    const { deliveries } = start(jobs);
    await until(() => deliveries.length === 2);
    consumer!.kill(['a']);
    const a = deliveries.find((d) => d.lease.job.taskRun.id === 'a')!;
    const b = deliveries.find((d) => d.lease.job.taskRun.id === 'b')!;
    expect(a.context.getSignal().reason).toBeInstanceOf(JobKilledError);
    expect(b.context.getSignal().aborted).toBe(false);
    // A killed job still reports its result: only a lost or handed-back lease is not reported.
    await until(() => !jobs.leased.has('a:1'));
  });

  it('aborts a job whose lease renewal finds it lost, with LeaseLostError, and does not report it', async () => {
    const jobs = new FakeJobQueue();
    await jobs.publish([workerJob('a'), workerJob('b')]);
    jobs.lost.add('a:1');
    // Renewals every 100 ms (leaseMs / 3, at least 100).
    const { deliveries, lines } = start(jobs, { leaseMs: 300 });
    await until(() => deliveries.length === 2);
    const a = deliveries.find((d) => d.lease.job.id === 'a:1')!;
    await until(() => a.context.getSignal().aborted);
    expect(a.context.getSignal().reason).toBeInstanceOf(LeaseLostError);
    expect(deliveries.find((d) => d.lease.job.id === 'b:1')!.context.getSignal().aborted).toBe(false);
    expect(jobs.renewed.some((ids) => ids.includes('a:1') && ids.includes('b:1'))).toBe(true);
    await until(() => consumer!.activeJobs === 1);
    // The handler saw the lease gone and reported nothing: the lease is still the other worker's to end.
    expect(jobs.leased.has('a:1')).toBe(true);
    expect(lines.find((l) => l.msg === 'lease lost: another worker runs this job now')).toMatchObject({ level: 'warn', taskRunId: 'a' });
  });

  it('on stop takes nothing more, lets running jobs end within the grace period, and hands back the rest, once', async () => {
    const jobs = new FakeJobQueue();
    await jobs.publish([workerJob('quick'), workerJob('slow'), workerJob('queued')]);
    const { deliveries, lines } = start(jobs, { shutdownGraceMs: 300 });
    await until(() => deliveries.length === 2);
    const quick = deliveries.find((d) => d.lease.job.id === 'quick:1')!;
    const slow = deliveries.find((d) => d.lease.job.id === 'slow:1')!;
    const stopped = consumer!.stop();
    quick.gate.resolve();
    await stopped;
    // The lifecycle stops it, then Nest closes the transport: the second stop does nothing more.
    await consumer!.stop();
    expect(lines.filter((l) => l.msg === 'worker stopped')).toHaveLength(1);
    expect(quick.context.getSignal().aborted).toBe(false);
    expect(slow.context.getSignal().reason).toBeInstanceOf(JobHandedBackError);
    expect(jobs.givenBack).toEqual(['slow:1']);
    expect(jobs.pending.map((j) => j.id).sort()).toEqual(['queued:1', 'slow:1']);
    expect(deliveries).toHaveLength(2);
  });

  it('frees the slot of a failed handler and leaves its lease to expire (the job runs again as a new attempt)', async () => {
    const jobs = new FakeJobQueue();
    await jobs.publish([workerJob('a')]);
    const { logger } = recordingLogger();
    consumer = new WorkerJobsConsumer(jobs, logger, { workerId: 'worker-1', concurrency: 1, leaseMs: 60_000, shutdownGraceMs: 0 });
    let failures = 0;
    consumer.start(() => {
      failures++;
      return Promise.reject(new Error('the queue refused taskStarted'));
    });
    await until(() => failures === 1 && consumer!.activeJobs === 0);
    await consumer.stop();
    expect(jobs.givenBack).toEqual([]);
    expect(jobs.leased.has('a:1')).toBe(true);
  });
});
