import { EventEmitter } from 'node:events';
import { randomUUID } from 'node:crypto';
import type { TaskResultEvent, WorkerJob } from '@osprey/flow-model';
import type { Job, Queue, QueueEvents, Worker } from 'bullmq';
import { WorkerGroupsUnsupportedError, type Closable, type ExecutionEventQueue, type LeasedJob, type TakeOptions, type WorkerJobQueue } from '../ports.js';
import { toBullmqJobId } from './bullmq-job-id.js';
import type { TaskRunJobIndex } from './task-run-job-index.js';

/** The BullMQ objects one queue instance drives; built by `openBullmqWorkerJobQueue`. */
export interface BullmqWorkerJobQueueParts {
  queue: Queue<WorkerJob>;
  /** Manual processing only (`autorun: false`): hands out jobs under lock tokens and runs the stalled-job check. */
  worker: Worker<WorkerJob>;
  /** Tells waiting workers that a job entered the wait list (published, given back, or recovered from a dead worker). */
  queueEvents: QueueEvents;
  index: TaskRunJobIndex;
  events: ExecutionEventQueue;
}

interface HeldLease {
  job: Job<WorkerJob>;
  token: string;
}

// BullMQ's codes for "this worker does not hold the job any more": gone, lock expired, not active, locked by another.
const LOST_LEASE_CODES = new Set([-1, -2, -3, -6]);

function isLostLease(error: unknown): boolean {
  return typeof error === 'object' && error !== null && LOST_LEASE_CODES.has((error as { code?: unknown }).code as number);
}

/**
 * Worker jobs on BullMQ. A lease is a BullMQ job lock: `take` moves jobs to `active` under a fresh token per lease
 * with the lease as lock duration, `renew` extends the locks, and the stalled-job check (run by every instance,
 * throttled by BullMQ to one check per interval across them) moves jobs whose lock expired back to `wait`.
 * Lock tokens live in this process: a lease can be renewed, completed or given back only by the instance that took it.
 */
export class BullmqWorkerJobQueue implements WorkerJobQueue, Closable {
  private readonly leases = new Map<string, HeldLease>();
  private readonly wakeups = new EventEmitter();
  /** Bumped on every job that enters the wait list, to tell a waiter what it missed since the last `take`. */
  private arrivals = 0;
  private arrivalsAtLastTake = 0;
  /** BullMQ reads the lock duration from the worker options during `getNextJob`: takes run one at a time. */
  private taking: Promise<unknown> = Promise.resolve();
  private closed = false;

  constructor(private readonly parts: BullmqWorkerJobQueueParts) {
    this.wakeups.setMaxListeners(0);
    parts.queueEvents.on('waiting', () => {
      this.arrivals++;
      this.wakeups.emit('job');
    });
  }

  async publish(jobs: WorkerJob[]): Promise<void> {
    if (jobs.length === 0) return;
    // Indexed first: a job that exists is always findable by `cancel` (a crash in between leaves a stale entry, dropped by `cancel`).
    await this.parts.index.add(jobs.map((job) => job.id));
    // A job id that exists already is not added again (BullMQ keeps the first and emits `duplicated`).
    await this.parts.queue.addBulk(
      jobs.map((job) => ({ name: 'run', data: job, opts: { jobId: toBullmqJobId(job.id), removeOnComplete: true, removeOnFail: true } })),
    );
  }

  /** Jobs of worker groups are never relayed here (the executor fails such tasks): a group worker is refused. */
  take(workerId: string, max: number, leaseMs: number, options?: TakeOptions): Promise<LeasedJob[]> {
    if (typeof options?.workerGroup === 'string') return Promise.reject(new WorkerGroupsUnsupportedError('Redis (BullMQ)'));
    const taken = this.taking.then(() => this.takeNow(workerId, max, leaseMs));
    this.taking = taken.catch(() => undefined);
    return taken;
  }

  private async takeNow(workerId: string, max: number, leaseMs: number): Promise<LeasedJob[]> {
    this.arrivalsAtLastTake = this.arrivals;
    const leased: LeasedJob[] = [];
    if (this.closed) return leased;
    this.parts.worker.opts.lockDuration = leaseMs;
    while (leased.length < max) {
      const token = `${workerId}:${randomUUID()}`;
      // Read before the lock is set, so the deadline the worker sees is never later than the lock's.
      const leaseUntil = Date.now() + leaseMs;
      const job = (await this.parts.worker.getNextJob(token, { block: false })) as Job<WorkerJob> | undefined;
      if (!job) break;
      this.leases.set(leaseKey(workerId, job.data.id), { job, token });
      // attemptsStarted counts every move to active: first take, and each one after a give-back or a stalled lock.
      leased.push({ job: job.data, workerId, deliveries: job.attemptsStarted, leaseUntil });
    }
    return leased;
  }

  async renew(workerId: string, jobIds: string[], leaseMs: number): Promise<string[]> {
    const lost: string[] = [];
    const held: { id: string; lease: HeldLease }[] = [];
    for (const id of jobIds) {
      const lease = this.leases.get(leaseKey(workerId, id));
      if (lease) held.push({ id, lease });
      else lost.push(id);
    }
    if (held.length > 0) {
      const failed = new Set(
        await this.parts.worker.extendJobLocks(
          held.map(({ lease }) => lease.job.id as string),
          held.map(({ lease }) => lease.token),
          leaseMs,
        ),
      );
      for (const { id, lease } of held) {
        if (!failed.has(lease.job.id as string)) continue;
        this.leases.delete(leaseKey(workerId, id));
        lost.push(id);
      }
    }
    const order = new Map(jobIds.map((id, i) => [id, i]));
    return lost.sort((a, b) => (order.get(a) ?? 0) - (order.get(b) ?? 0));
  }

  /**
   * The result goes to the events backend, the job's removal to Redis: two stores, so this is not atomic. The result is
   * emitted first because the executor ignores a result it has recorded: a crash in between runs the job again (its
   * second result is dropped) instead of losing the result. A result is delivered even when the lease was lost.
   */
  async complete(lease: LeasedJob, result: TaskResultEvent): Promise<void> {
    await this.parts.events.emit([{ executionId: lease.job.executionId, event: result }]);
    const key = leaseKey(lease.workerId, lease.job.id);
    const held = this.leases.get(key);
    this.leases.delete(key);
    let gone = false;
    if (held) {
      try {
        await held.job.moveToCompleted(null, held.token, false);
        gone = true;
      } catch (error) {
        if (!isLostLease(error)) throw error;
      }
    }
    // Lease lost (or taken elsewhere): drop a queued copy so it is not run again; a copy another worker holds stays.
    if (!gone) gone = (await this.parts.queue.remove(toBullmqJobId(lease.job.id))) === 1;
    if (gone) await this.parts.index.remove([lease.job.id]);
  }

  async giveBack(lease: LeasedJob): Promise<void> {
    const key = leaseKey(lease.workerId, lease.job.id);
    const held = this.leases.get(key);
    if (!held) return;
    this.leases.delete(key);
    try {
      // Back to the head of the wait list, so the next `take` anywhere gets it.
      await held.job.moveToWait(held.token);
    } catch (error) {
      if (!isLostLease(error)) throw error;
    }
  }

  async handOff(leases: LeasedJob[]): Promise<void> {
    const gone: string[] = [];
    for (const lease of leases) {
      const key = leaseKey(lease.workerId, lease.job.id);
      const held = this.leases.get(key);
      if (!held) continue;
      this.leases.delete(key);
      try {
        await held.job.moveToCompleted(null, held.token, false);
        gone.push(lease.job.id);
      } catch (error) {
        if (!isLostLease(error)) throw error;
      }
    }
    await this.parts.index.remove(gone);
  }

  async cancel(taskRunIds: string[]): Promise<string[]> {
    const running: string[] = [];
    const gone: string[] = [];
    for (const id of await this.parts.index.find(taskRunIds)) {
      // BullMQ removes a job unless it is locked; a job whose lock expired (dead worker) is removed too.
      if ((await this.parts.queue.remove(toBullmqJobId(id))) === 1) gone.push(id);
      else running.push(id);
    }
    await this.parts.index.remove(gone);
    return running;
  }

  waitForJobs(timeoutMs: number, signal?: AbortSignal): Promise<void> {
    // A job that arrived since the last take (before this wait began) would not wake us: return at once.
    if (signal?.aborted || timeoutMs <= 0 || this.closed || this.arrivals !== this.arrivalsAtLastTake) return Promise.resolve();
    return new Promise<void>((done) => {
      const finish = () => {
        clearTimeout(timer);
        this.wakeups.off('job', finish);
        signal?.removeEventListener('abort', finish);
        done();
      };
      const timer = setTimeout(finish, timeoutMs);
      this.wakeups.on('job', finish);
      signal?.addEventListener('abort', finish, { once: true });
    });
  }

  async depth(): Promise<{ pending: number; running: number }> {
    const counts = await this.parts.queue.getJobCounts('waiting', 'delayed', 'prioritized', 'active');
    return { pending: (counts.waiting ?? 0) + (counts.delayed ?? 0) + (counts.prioritized ?? 0), running: counts.active ?? 0 };
  }

  /** Leases still held are not given back: their locks expire and other workers take the jobs, as after a crash. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.wakeups.emit('job');
    this.leases.clear();
    await Promise.all([this.parts.worker.close(true), this.parts.queueEvents.close(), this.parts.queue.close()]);
  }
}

function leaseKey(workerId: string, jobId: string): string {
  return `${workerId}\u0000${jobId}`;
}
