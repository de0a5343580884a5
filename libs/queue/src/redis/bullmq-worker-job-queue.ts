import { EventEmitter } from 'node:events';
import { randomUUID } from 'node:crypto';
import type { TaskResultEvent, WorkerJob } from '@osprey/flow-model';
import type { Job } from 'bullmq';
import type { Closable, ExecutionEventQueue, LeasedJob, TakeOptions, WorkerJobQueue } from '../ports.js';
import { toBullmqJobId } from './bullmq-job-id.js';
import type { BullmqLane, BullmqLanes, TakingLane } from './bullmq-lanes.js';

/** What one queue instance drives; built by `openBullmqWorkerJobQueue`. */
export interface BullmqWorkerJobQueueParts {
  lanes: BullmqLanes;
  events: ExecutionEventQueue;
}

interface HeldLease {
  job: Job<WorkerJob>;
  token: string;
  lane: TakingLane;
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
 * Jobs of a worker group wait in their group's own BullMQ queue (see BullmqLanes), which only its workers take from.
 */
export class BullmqWorkerJobQueue implements WorkerJobQueue, Closable {
  private readonly leases = new Map<string, HeldLease>();
  /** Emits `job` with the lane a job arrived in. */
  private readonly wakeups = new EventEmitter();
  /** BullMQ reads the lock duration from the worker options during `getNextJob`: takes run one at a time. */
  private taking: Promise<unknown> = Promise.resolve();
  private closed = false;

  constructor(private readonly parts: BullmqWorkerJobQueueParts) {
    this.wakeups.setMaxListeners(0);
  }

  /** Called by the lanes when a job enters the wait list of a lane this process takes from. */
  arrived(lane: BullmqLane): void {
    this.wakeups.emit('job', lane);
  }

  /** Each job goes to the lane of its worker group (a group is listed before its first job is added). */
  async publish(jobs: WorkerJob[]): Promise<void> {
    if (jobs.length === 0) return;
    const byGroup = new Map<string | null, WorkerJob[]>();
    for (const job of jobs) {
      const group = job.workerGroup ?? null;
      byGroup.set(group, [...(byGroup.get(group) ?? []), job]);
    }
    for (const [group, ofGroup] of byGroup) {
      if (group !== null) await this.parts.lanes.register(group);
      const lane = await this.parts.lanes.lane(group);
      // Indexed first: a job that exists is always findable by `cancel` (a crash in between leaves a stale entry, dropped by `cancel`).
      await lane.index.add(ofGroup.map((job) => job.id));
      // A job id that exists already is not added again (BullMQ keeps the first and emits `duplicated`).
      await lane.queue.addBulk(
        ofGroup.map((job) => ({ name: 'run', data: job, opts: { jobId: toBullmqJobId(job.id), removeOnComplete: true, removeOnFail: true } })),
      );
    }
  }

  /** Takes from the lane of the worker's group (`options.workerGroup`); without options, from every lane in turn. */
  take(workerId: string, max: number, leaseMs: number, options?: TakeOptions): Promise<LeasedJob[]> {
    const taken = this.taking.then(() => this.takeNow(workerId, max, leaseMs, options));
    // The chain only orders the takes: this take's failure reaches its caller through `taken`.
    this.taking = taken.catch(() => undefined);
    return taken;
  }

  private async takeNow(workerId: string, max: number, leaseMs: number, options: TakeOptions | undefined): Promise<LeasedJob[]> {
    const leased: LeasedJob[] = [];
    if (this.closed) return leased;
    for (const lane of await this.takingLanes(options)) {
      lane.arrivalsAtLastTake = lane.arrivals;
      lane.worker.opts.lockDuration = leaseMs;
      while (leased.length < max) {
        const token = `${workerId}:${randomUUID()}`;
        // Read before the lock is set, so the deadline the worker sees is never later than the lock's.
        const leaseUntil = Date.now() + leaseMs;
        const job = (await lane.worker.getNextJob(token, { block: false })) as Job<WorkerJob> | undefined;
        if (!job) break;
        this.leases.set(leaseKey(workerId, job.data.id), { job, token, lane });
        // attemptsStarted counts every move to active: first take, and each one after a give-back or a stalled lock.
        leased.push({ job: job.data, workerId, deliveries: job.attemptsStarted, leaseUntil });
      }
    }
    return leased;
  }

  /** The lanes a take or a wait with these options serves: the worker's group's, or (no options) every lane. */
  private async takingLanes(options: TakeOptions | undefined): Promise<TakingLane[]> {
    if (options) return [await this.parts.lanes.takingLane(options.workerGroup)];
    const lanes = await this.parts.lanes.all();
    return Promise.all(lanes.map((lane) => this.parts.lanes.takingLane(lane.group)));
  }

  async renew(workerId: string, jobIds: string[], leaseMs: number): Promise<string[]> {
    const lost: string[] = [];
    const held: { id: string; lease: HeldLease }[] = [];
    for (const id of jobIds) {
      const lease = this.leases.get(leaseKey(workerId, id));
      if (lease) held.push({ id, lease });
      else lost.push(id);
    }
    const byLane = new Map<TakingLane, { id: string; lease: HeldLease }[]>();
    for (const entry of held) byLane.set(entry.lease.lane, [...(byLane.get(entry.lease.lane) ?? []), entry]);
    for (const [lane, ofLane] of byLane) {
      const failed = new Set(
        await lane.worker.extendJobLocks(
          ofLane.map(({ lease }) => lease.job.id as string),
          ofLane.map(({ lease }) => lease.token),
          leaseMs,
        ),
      );
      for (const { id, lease } of ofLane) {
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
    const lane = held?.lane ?? (await this.parts.lanes.lane(lease.job.workerGroup ?? null));
    // Lease lost (or taken elsewhere): drop a queued copy so it is not run again; a copy another worker holds stays.
    if (!gone) gone = (await lane.queue.remove(toBullmqJobId(lease.job.id))) === 1;
    if (gone) await lane.index.remove([lease.job.id]);
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
    const gone = new Map<TakingLane, string[]>();
    for (const lease of leases) {
      const key = leaseKey(lease.workerId, lease.job.id);
      const held = this.leases.get(key);
      if (!held) continue;
      this.leases.delete(key);
      try {
        await held.job.moveToCompleted(null, held.token, false);
        gone.set(held.lane, [...(gone.get(held.lane) ?? []), lease.job.id]);
      } catch (error) {
        if (!isLostLease(error)) throw error;
      }
    }
    for (const [lane, ids] of gone) await lane.index.remove(ids);
  }

  /** Looks in every lane: the executor that cancels knows the task runs, not their groups. */
  async cancel(taskRunIds: string[]): Promise<string[]> {
    const running: string[] = [];
    for (const lane of await this.parts.lanes.all()) {
      const gone: string[] = [];
      for (const id of await lane.index.find(taskRunIds)) {
        // BullMQ removes a job unless it is locked; a job whose lock expired (dead worker) is removed too.
        if ((await lane.queue.remove(toBullmqJobId(id))) === 1) gone.push(id);
        else running.push(id);
      }
      await lane.index.remove(gone);
    }
    return running;
  }

  /** Waits on the lane of the worker's group (`options.workerGroup`); without options, on the lanes this process took from. */
  async waitForJobs(timeoutMs: number, signal?: AbortSignal, options?: TakeOptions): Promise<void> {
    if (signal?.aborted || timeoutMs <= 0 || this.closed) return;
    let lanes: TakingLane[] = options ? await this.takingLanes(options) : await this.parts.lanes.opened();
    if (lanes.length === 0) lanes = await this.takingLanes({ workerGroup: null });
    // A job that arrived since the last take (before this wait began) would not wake us: return at once.
    if (lanes.some((lane) => lane.arrivals !== lane.arrivalsAtLastTake)) return;
    const watched = new Set<BullmqLane>(lanes);
    return new Promise<void>((done) => {
      const finish = () => {
        clearTimeout(timer);
        this.wakeups.off('job', arrived);
        signal?.removeEventListener('abort', finish);
        done();
      };
      // No lane: the queue is closing.
      const arrived = (lane?: BullmqLane) => {
        if (!lane || watched.has(lane)) finish();
      };
      const timer = setTimeout(finish, timeoutMs);
      this.wakeups.on('job', arrived);
      signal?.addEventListener('abort', finish, { once: true });
    });
  }

  /** The jobs of every lane. */
  async depth(): Promise<{ pending: number; running: number }> {
    let pending = 0;
    let running = 0;
    for (const lane of await this.parts.lanes.all()) {
      const counts = await lane.queue.getJobCounts('waiting', 'delayed', 'prioritized', 'active');
      pending += (counts.waiting ?? 0) + (counts.delayed ?? 0) + (counts.prioritized ?? 0);
      running += counts.active ?? 0;
    }
    return { pending, running };
  }

  /** Leases still held are not given back: their locks expire and other workers take the jobs, as after a crash. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.wakeups.emit('job');
    this.leases.clear();
    await this.parts.lanes.close();
  }
}

function leaseKey(workerId: string, jobId: string): string {
  return `${workerId}\u0000${jobId}`;
}
