import type { LeasedJob } from '@osprey/queue';
import { queueTestJob } from '@osprey/queue/testing';
import { openRecordedQueue, type RecordedQueue } from '../testing/recorded-queues.js';
import { deferred, type Deferred, recordingLogger, until } from '../testing/test-support.js';
import { JobHandedBackError, JobKilledError, LeaseLostError, isLeaseGone } from './abort-reasons.js';
import type { QueueContext } from './queue-context.js';
import { WORKER_JOB_PATTERN } from './queue-patterns.js';
import { WorkerJobsConsumer, type WorkerJobsConsumerOptions } from './worker-jobs-consumer.js';

interface Delivery {
  lease: LeasedJob;
  context: QueueContext;
  gate: Deferred;
}

/** The job of task run `id`, in execution `exec-<id>`; its id is `<id>:1`. */
const job = (id: string) => queueTestJob(`exec-${id}`, id);

describe('WorkerJobsConsumer on the embedded queue', () => {
  let queue: RecordedQueue;
  let consumer: WorkerJobsConsumer | undefined;
  beforeEach(async () => {
    queue = await openRecordedQueue();
  });
  afterEach(async () => {
    await consumer?.stop();
    consumer = undefined;
    await queue.close();
  });

  /** A consumer whose handler runs until the test opens its gate (or its signal aborts). */
  const start = (options: Partial<WorkerJobsConsumerOptions> = {}) => {
    const { logger, lines } = recordingLogger();
    const deliveries: Delivery[] = [];
    consumer = new WorkerJobsConsumer(queue.jobs, logger, { workerId: 'worker-1', concurrency: 2, leaseMs: 60_000, shutdownGraceMs: 0, ...options });
    consumer.start(async (pattern, data, context) => {
      expect(pattern).toBe(WORKER_JOB_PATTERN);
      const lease = data as LeasedJob;
      const gate = deferred();
      deliveries.push({ lease, context, gate });
      context.getSignal().addEventListener('abort', () => gate.resolve());
      await gate.promise;
      if (!isLeaseGone(context.getSignal())) await queue.jobs.complete(lease, { type: 'taskResult', taskRunId: lease.job.taskRun.id, attempt: 1, state: 'SUCCESS' });
    });
    return { deliveries, lines };
  };
  /** The ids of the jobs another worker can take now. */
  const takeable = async () => (await queue.jobs.take('worker-2', 10, 60_000)).map((lease) => lease.job.id).sort();

  it('takes no more jobs than free slots and takes again as handlers end', async () => {
    await queue.jobs.publish(['a', 'b', 'c', 'd', 'e'].map(job));
    const { deliveries } = start();
    await until(() => deliveries.length === 2);
    expect(queue.jobs.takes[0]).toBe(2);
    expect(consumer!.activeJobs).toBe(2);
    deliveries[0]!.gate.resolve();
    await until(() => deliveries.length === 3);
    expect(queue.jobs.takes.at(-1)).toBe(1);
    expect(consumer!.activeJobs).toBe(2);
    for (let i = 1; i < 5; i++) {
      await until(() => deliveries.length > i);
      deliveries[i]!.gate.resolve();
    }
    await until(() => queue.jobs.completed.length === 5);
    expect(await queue.jobs.depth()).toEqual({ pending: 0, running: 0 });
    expect(deliveries.map((d) => d.context.getIds())).toContainEqual({ executionId: 'exec-c', taskRunId: 'c', taskId: 'task-c' });
  });

  it('aborts the job a kill names, with JobKilledError, and no other', async () => {
    await queue.jobs.publish([job('a'), job('b')]);
    const { deliveries } = start();
    await until(() => deliveries.length === 2);
    consumer!.kill(['a']);
    const a = deliveries.find((d) => d.lease.job.taskRun.id === 'a')!;
    const b = deliveries.find((d) => d.lease.job.taskRun.id === 'b')!;
    expect(a.context.getSignal().reason).toBeInstanceOf(JobKilledError);
    expect(b.context.getSignal().aborted).toBe(false);
    // A killed job still reports its result: only a lost or handed-back lease is not reported.
    await until(() => queue.jobs.completed.includes('a:1'));
  });

  it('aborts a job whose lease renewal finds it lost, with LeaseLostError, and does not report it', async () => {
    await queue.jobs.publish([job('a'), job('b')]);
    queue.jobs.lost.add('a:1');
    // Renewals every 100 ms (leaseMs / 3, at least 100).
    const { deliveries, lines } = start({ leaseMs: 300 });
    await until(() => deliveries.length === 2);
    const a = deliveries.find((d) => d.lease.job.id === 'a:1')!;
    await until(() => a.context.getSignal().aborted);
    expect(a.context.getSignal().reason).toBeInstanceOf(LeaseLostError);
    expect(deliveries.find((d) => d.lease.job.id === 'b:1')!.context.getSignal().aborted).toBe(false);
    expect(queue.jobs.renewals.some((ids) => ids.includes('a:1') && ids.includes('b:1'))).toBe(true);
    await until(() => consumer!.activeJobs === 1);
    // The handler saw the lease gone and reported nothing: the lease is the other worker's to end.
    expect(queue.jobs.completed).not.toContain('a:1');
    expect(lines.find((l) => l.msg === 'lease lost: another worker runs this job now')).toMatchObject({ level: 'warn', taskRunId: 'a' });
  });

  it('on stop takes nothing more, lets running jobs end within the grace period, and hands back the rest, once', async () => {
    await queue.jobs.publish([job('quick'), job('slow'), job('queued')]);
    const { deliveries, lines } = start({ shutdownGraceMs: 300 });
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
    expect(queue.jobs.completed).toEqual(['quick:1']);
    expect(slow.context.getSignal().reason).toBeInstanceOf(JobHandedBackError);
    expect(queue.jobs.givenBack).toEqual(['slow:1']);
    expect(await takeable()).toEqual(['queued:1', 'slow:1']);
    expect(deliveries).toHaveLength(2);
  });

  it('frees the slot of a failed handler and leaves its lease to expire (the job runs again as a new attempt)', async () => {
    await queue.jobs.publish([job('a')]);
    const { logger } = recordingLogger();
    consumer = new WorkerJobsConsumer(queue.jobs, logger, { workerId: 'worker-1', concurrency: 1, leaseMs: 60_000, shutdownGraceMs: 0 });
    let failures = 0;
    consumer.start(() => {
      failures++;
      return Promise.reject(new Error('the queue refused taskStarted'));
    });
    await until(() => failures === 1 && consumer!.activeJobs === 0);
    await consumer.stop();
    expect(queue.jobs.givenBack).toEqual([]);
    expect(await queue.jobs.depth()).toEqual({ pending: 0, running: 1 });
  });
});
