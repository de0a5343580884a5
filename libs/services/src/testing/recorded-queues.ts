import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ExecutionEventEnvelope, TaskResultEvent, WorkerJob } from '@osprey/flow-model';
import type { BroadcastMessage, BroadcastQueue, ClaimedEvent, ExecutionEventQueue, ExecutorStore, LeasedJob, TakeOptions, WorkerJobQueue } from '@osprey/queue';
import { openSqliteQueue } from '@osprey/queue/sql';

/**
 * The real embedded (SQLite) queue of a throw-away folder for the transport's tests: its own claim, lease and wake-up
 * semantics, with the calls the tests count recorded and the few faults they need injected (never in the build).
 */
export interface RecordedQueue {
  events: RecordedEventQueue;
  jobs: RecordedJobQueue;
  broadcast: RecordedBroadcast;
  store: ExecutorStore;
  close(): Promise<void>;
}

export async function openRecordedQueue(): Promise<RecordedQueue> {
  const dir = mkdtempSync(join(tmpdir(), 'osprey-transport-'));
  const queue = await openSqliteQueue(join(dir, 'osprey.db'));
  return {
    events: new RecordedEventQueue(queue.events),
    jobs: new RecordedJobQueue(queue.jobs),
    broadcast: new RecordedBroadcast(queue.broadcast),
    store: queue.store,
    close: async () => {
      await queue.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

export class RecordedEventQueue implements ExecutionEventQueue {
  /** Events each claim returned. */
  readonly claims: number[] = [];
  readonly releases: string[][] = [];
  /** The timeout of each wait for events. */
  readonly idleWaits: number[] = [];
  /** How many of the next claims fail before reaching the queue. */
  failClaims = 0;
  /** Set: every release fails with it. */
  failReleases?: Error;

  constructor(private readonly queue: ExecutionEventQueue) {}

  emit(events: ExecutionEventEnvelope[]): Promise<void> {
    return this.queue.emit(events);
  }

  async claim(consumerId: string, maxExecutions: number, leaseMs: number): Promise<ClaimedEvent[]> {
    if (this.failClaims > 0) {
      this.failClaims--;
      throw new Error('the queue is unreachable');
    }
    const claimed = await this.queue.claim(consumerId, maxExecutions, leaseMs);
    this.claims.push(claimed.length);
    return claimed;
  }

  async release(consumerId: string, executionIds: string[]): Promise<void> {
    this.releases.push(executionIds);
    if (this.failReleases) throw this.failReleases;
    await this.queue.release(consumerId, executionIds);
  }

  waitForEvents(timeoutMs: number, signal?: AbortSignal): Promise<void> {
    this.idleWaits.push(timeoutMs);
    return this.queue.waitForEvents(timeoutMs, signal);
  }

  depth(): Promise<number> {
    return this.queue.depth();
  }
}

export class RecordedJobQueue implements WorkerJobQueue {
  /** The `max` of each take. */
  readonly takes: number[] = [];
  /** The job ids of each renewal. */
  readonly renewals: string[][] = [];
  readonly givenBack: string[] = [];
  readonly completed: string[] = [];
  /** Job ids the next renewals report lost, as they would once another worker holds them. */
  readonly lost = new Set<string>();

  constructor(private readonly queue: WorkerJobQueue) {}

  publish(jobs: WorkerJob[]): Promise<void> {
    return this.queue.publish(jobs);
  }

  take(workerId: string, max: number, leaseMs: number, options?: TakeOptions): Promise<LeasedJob[]> {
    this.takes.push(max);
    return this.queue.take(workerId, max, leaseMs, options);
  }

  async renew(workerId: string, jobIds: string[], leaseMs: number): Promise<string[]> {
    this.renewals.push(jobIds);
    const lost = await this.queue.renew(workerId, jobIds, leaseMs);
    return [...lost, ...jobIds.filter((id) => this.lost.has(id) && !lost.includes(id))];
  }

  async complete(lease: LeasedJob, result: TaskResultEvent): Promise<void> {
    await this.queue.complete(lease, result);
    this.completed.push(lease.job.id);
  }

  async giveBack(lease: LeasedJob): Promise<void> {
    this.givenBack.push(lease.job.id);
    await this.queue.giveBack(lease);
  }

  handOff(leases: LeasedJob[]): Promise<void> {
    return this.queue.handOff(leases);
  }

  cancel(taskRunIds: string[]): Promise<string[]> {
    return this.queue.cancel(taskRunIds);
  }

  waitForJobs(timeoutMs: number, signal?: AbortSignal, options?: TakeOptions): Promise<void> {
    return this.queue.waitForJobs(timeoutMs, signal, options);
  }

  depth(): Promise<{ pending: number; running: number }> {
    return this.queue.depth();
  }
}

export class RecordedBroadcast implements BroadcastQueue {
  /** Subscriptions not ended. */
  subscribers = 0;

  constructor(private readonly broadcast: BroadcastQueue) {}

  publish(message: BroadcastMessage): Promise<void> {
    return this.broadcast.publish(message);
  }

  subscribe(handler: (message: BroadcastMessage) => void): () => void {
    this.subscribers++;
    const unsubscribe = this.broadcast.subscribe(handler);
    return () => {
      this.subscribers--;
      unsubscribe();
    };
  }
}
