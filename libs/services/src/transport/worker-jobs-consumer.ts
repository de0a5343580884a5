import { setTimeout as wait } from 'node:timers/promises';
import type { LeasedJob, WorkerJobQueue } from '@osprey/queue';
import type { Logger } from '@osprey/server';
import { JobHandedBackError, JobKilledError, LeaseLostError } from './abort-reasons.js';
import { ifAborted, runConsumerLoop } from './consumer-loop.js';
import { QueueContext, type QueueConsumer, type QueueDispatch } from './queue-context.js';
import { WORKER_JOB_PATTERN } from './queue-patterns.js';

export interface WorkerJobsConsumerOptions {
  /** The leases' owner. */
  workerId: string;
  /** Jobs run at once. */
  concurrency: number;
  leaseMs: number;
  /** At shutdown, how long running jobs may finish before they are handed back. */
  shutdownGraceMs: number;
  /** The worker group served: only its jobs are taken; absent, only jobs of no group. */
  group?: string;
  /** Longest wait for new jobs before taking again, should a wake-up be missed (worker.idleWaitMs). */
  idleWaitMs?: number;
  /** Wait after a failed take before taking again (worker.retryMs). */
  retryMs?: number;
}

const IDLE_WAIT_MS = 1000;
const RETRY_MS = 1000;
/** With every slot busy, how often the loop looks again should a job's end not wake it. */
const FULL_RECHECK_MS = 500;

interface RunningJob {
  lease: LeasedJob;
  controller: AbortController;
  done: Promise<void>;
}

/**
 * Leases worker jobs up to the free slots and delivers each to the handler with an abort signal in its context; renews
 * the leases while handlers run and aborts a job whose lease was lost (LeaseLostError) or whose task run a kill
 * names (JobKilledError, through `kill()`: the worker's broadcast handler). On stop it takes nothing more, lets running jobs finish within the grace period
 * and hands the rest back (JobHandedBackError). A handler that fails leaves its lease to expire: the job runs again.
 */
export class WorkerJobsConsumer implements QueueConsumer {
  private readonly running = new Map<string, RunningJob>();
  private readonly abort = new AbortController();
  private loop?: Promise<void>;
  private renewTimer?: NodeJS.Timeout;
  private wake?: () => void;
  private stopping?: Promise<void>;

  constructor(
    private readonly jobs: WorkerJobQueue,
    private readonly logger: Logger,
    private readonly options: WorkerJobsConsumerOptions,
  ) {}

  /** Jobs running now. */
  get activeJobs(): number {
    return this.running.size;
  }

  start(dispatch: QueueDispatch): void {
    if (this.loop) return;
    this.renewTimer = setInterval(() => void this.renew(), Math.max(100, Math.floor(this.options.leaseMs / 3)));
    this.loop = this.run(dispatch);
  }

  /** Aborts the running jobs of these task runs (JobKilledError); their handlers end the attempts KILLED. */
  kill(taskRunIds: readonly string[]): void {
    for (const job of this.running.values()) {
      if (taskRunIds.includes(job.lease.job.taskRun.id)) job.controller.abort(new JobKilledError());
    }
  }

  /** Takes nothing more, lets running jobs end within the grace period, hands back the rest; once, however often called. */
  stop(): Promise<void> {
    if (!this.loop) return Promise.resolve();
    return (this.stopping ??= this.drain());
  }

  private async drain(): Promise<void> {
    this.abort.abort();
    this.wake?.();
    await this.loop;
    const deadline = Date.now() + this.options.shutdownGraceMs;
    while (this.running.size > 0 && Date.now() < deadline) {
      const grace = new AbortController();
      await Promise.race([Promise.all([...this.running.values()].map((r) => r.done)), wait(Math.max(0, deadline - Date.now()), undefined, { signal: grace.signal }).catch(ifAborted)]);
      grace.abort();
    }
    for (const job of this.running.values()) {
      job.controller.abort(new JobHandedBackError());
      await this.jobs.giveBack(job.lease).catch((error: unknown) => this.logger.error({ err: error, executionId: job.lease.job.executionId, taskRunId: job.lease.job.taskRun.id }, 'handing a job back failed'));
      this.logger.info({ executionId: job.lease.job.executionId, taskRunId: job.lease.job.taskRun.id }, 'job handed back at shutdown');
    }
    clearInterval(this.renewTimer);
    this.logger.info({ workerId: this.options.workerId }, 'worker stopped');
  }

  private async run(dispatch: QueueDispatch): Promise<void> {
    const signal = this.abort.signal;
    const { workerId, concurrency, leaseMs } = this.options;
    const take = { workerGroup: this.options.group ?? null };
    this.logger.info({ workerId, concurrency, workerGroup: take.workerGroup }, 'worker started');
    await runConsumerLoop(signal, {
      // Only free slots are taken: the previous turn waited for one.
      take: () => this.jobs.take(workerId, concurrency - this.running.size, leaseMs, take),
      waitForMore: () => this.jobs.waitForJobs(this.options.idleWaitMs ?? IDLE_WAIT_MS, signal, take),
      handle: async (leases) => {
        for (const lease of leases) this.launch(dispatch, lease);
        await this.slotFree(signal);
      },
      onTakeFailed: (error) => this.logger.error({ err: error }, 'taking jobs failed; retrying'),
      retryMs: this.options.retryMs ?? RETRY_MS,
    });
  }

  /** Resolves once a slot is free: a job's end wakes it; it looks again every FULL_RECHECK_MS should that be missed. */
  private async slotFree(signal: AbortSignal): Promise<void> {
    while (this.running.size >= this.options.concurrency && !signal.aborted) {
      await Promise.race([new Promise<void>((resolve) => (this.wake = resolve)), wait(FULL_RECHECK_MS, undefined, { signal })]);
    }
  }

  private launch(dispatch: QueueDispatch, lease: LeasedJob): void {
    const controller = new AbortController();
    const { executionId, taskRun } = lease.job;
    const context = new QueueContext(WORKER_JOB_PATTERN, { executionId, taskRunId: taskRun.id, taskId: lease.job.task.id }, controller.signal);
    const entry: RunningJob = { lease, controller, done: Promise.resolve() };
    entry.done = dispatch(WORKER_JOB_PATTERN, lease, context)
      // The transport logged the failure; the lease is left to expire, and the job runs again as a new attempt.
      .catch(() => undefined)
      .finally(() => {
        this.running.delete(lease.job.id);
        this.wake?.();
      });
    this.running.set(lease.job.id, entry);
  }

  private async renew(): Promise<void> {
    if (this.running.size === 0) return;
    try {
      const lost = await this.jobs.renew(this.options.workerId, [...this.running.keys()], this.options.leaseMs);
      for (const id of lost) {
        const job = this.running.get(id);
        if (!job) continue;
        job.controller.abort(new LeaseLostError());
        this.logger.warn({ executionId: job.lease.job.executionId, taskRunId: job.lease.job.taskRun.id }, 'lease lost: another worker runs this job now');
      }
    } catch (error) {
      this.logger.error({ err: error }, 'renewing job leases failed');
    }
  }
}
