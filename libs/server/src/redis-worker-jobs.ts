import { setTimeout as wait } from 'node:timers/promises';
import type { TaskResultEvent, WorkerJob } from '@osprey/flow-model';
import type { ConditionWindowCommit, ExecutorCommit, ExecutorStore, LeasedJob, TakeOptions, WorkerJobQueue } from '@osprey/queue';
import { newId } from './ids.js';

/** Wait after a failed relay (the outbox or Redis unreachable) before relaying again. */
const RELAY_RETRY_MS = 1000;
/** Longest wait for new jobs in the outbox, should a wake-up be missed. */
const RELAY_IDLE_WAIT_MS = 1000;

/**
 * Moves worker jobs from the queue backend, where the executor writes them in its commit (an outbox: the jobs
 * are written atomically with the execution), to Redis, where workers take them. A job is published to Redis
 * before it is removed from the outbox, so a relay that dies in between leaves it to be published again: Redis
 * keeps one job per id, so that changes nothing.
 */
export class WorkerJobRelay {
  readonly id = `relay-${newId()}`;
  private readonly stopping = new AbortController();
  private loop?: Promise<void>;
  relayed = 0;

  constructor(
    private readonly outbox: WorkerJobQueue,
    private readonly target: WorkerJobQueue,
    private readonly onError: (error: unknown) => void,
    private readonly options: { batch?: number; leaseMs?: number; idleWaitMs?: number } = {},
  ) {}

  start(): void {
    this.loop ??= this.run();
  }

  report(error: unknown): void {
    this.onError(error);
  }

  async stop(): Promise<void> {
    this.stopping.abort();
    await this.loop;
  }

  /** Moves what is in the outbox now; resolves with the number of jobs moved. */
  async relayOnce(): Promise<number> {
    const leases = await this.outbox.take(this.id, this.options.batch ?? 256, this.options.leaseMs ?? 30_000);
    if (leases.length === 0) return 0;
    await this.target.publish(leases.map((lease) => lease.job));
    await this.outbox.handOff(leases);
    this.relayed += leases.length;
    return leases.length;
  }

  private async run(): Promise<void> {
    const signal = this.stopping.signal;
    while (!signal.aborted) {
      try {
        if ((await this.relayOnce()) === 0) await this.outbox.waitForJobs(this.options.idleWaitMs ?? RELAY_IDLE_WAIT_MS, signal);
      } catch (error) {
        if (signal.aborted) return;
        this.onError(error);
        // stop() cuts this wait short (an AbortError): the loop ends there.
        await wait(RELAY_RETRY_MS, undefined, { signal }).catch((abort: unknown) => {
          if (!signal.aborted) throw abort;
        });
      }
    }
  }
}

/**
 * Worker jobs on Redis: workers lease them from `redis`; `outbox` is only where the executor's commits put them
 * (see WorkerJobRelay). Cancelling looks in both, since a job may not have been moved yet.
 */
export class RelayedWorkerJobQueue implements WorkerJobQueue {
  constructor(
    private readonly redis: WorkerJobQueue & { close(): Promise<void> },
    private readonly outbox: WorkerJobQueue,
  ) {}

  publish(jobs: WorkerJob[]): Promise<void> {
    return this.redis.publish(jobs);
  }
  take(workerId: string, max: number, leaseMs: number, options?: TakeOptions): Promise<LeasedJob[]> {
    return this.redis.take(workerId, max, leaseMs, options);
  }
  renew(workerId: string, jobIds: string[], leaseMs: number): Promise<string[]> {
    return this.redis.renew(workerId, jobIds, leaseMs);
  }
  complete(lease: LeasedJob, result: TaskResultEvent): Promise<void> {
    return this.redis.complete(lease, result);
  }
  giveBack(lease: LeasedJob): Promise<void> {
    return this.redis.giveBack(lease);
  }
  handOff(leases: LeasedJob[]): Promise<void> {
    return this.redis.handOff(leases);
  }
  async cancel(taskRunIds: string[]): Promise<string[]> {
    const [inOutbox, inRedis] = await Promise.all([this.outbox.cancel(taskRunIds), this.redis.cancel(taskRunIds)]);
    return [...new Set([...inOutbox, ...inRedis])];
  }
  waitForJobs(timeoutMs: number, signal?: AbortSignal, options?: TakeOptions): Promise<void> {
    return this.redis.waitForJobs(timeoutMs, signal, options);
  }
  depth(): Promise<{ pending: number; running: number }> {
    return this.redis.depth();
  }
  close(): Promise<void> {
    return this.redis.close();
  }
}

/**
 * The executor's commit writes jobs to the outbox in its transaction; right after it, the relay of this process moves
 * them on (so a worker can take them at once, not after the relay's next wake-up). Jobs already moved to Redis are
 * cancelled right after the commit too. A job the relay is moving at that instant may still run: the executor ignores
 * the result of a task run it has ended, and the kill broadcast stops it on the worker.
 */
export class RelayedExecutorStore implements ExecutorStore {
  constructor(
    private readonly store: ExecutorStore,
    private readonly redis: WorkerJobQueue,
    private readonly relay?: WorkerJobRelay,
  ) {}

  load(executionId: string) {
    return this.store.load(executionId);
  }
  async commit(consumerId: string, commit: ExecutorCommit): Promise<void> {
    await this.store.commit(consumerId, commit);
    // The commit stands; a failed move leaves the jobs in the outbox for the relay's loop, so it is not an error here.
    if (commit.jobs.length > 0) await this.relay?.relayOnce().catch((error: unknown) => this.relay?.report(error));
    if (commit.cancelJobs.length > 0) await this.redis.cancel(commit.cancelJobs);
  }
  acknowledge(consumerId: string, executionId: string, seqs: number[]): Promise<void> {
    return this.store.acknowledge(consumerId, executionId, seqs);
  }
  get keepsConditionWindows() {
    return this.store.keepsConditionWindows;
  }
  get routesConditionWindows() {
    return this.store.routesConditionWindows;
  }
  loadConditionWindows(keys: readonly string[]) {
    return this.store.loadConditionWindows(keys);
  }
  commitConditionWindows(consumerId: string, commit: ConditionWindowCommit): Promise<void> {
    return this.store.commitConditionWindows(consumerId, commit);
  }
}
