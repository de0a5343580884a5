import type { TaskResultEvent, WorkerJob } from '@osprey/flow-model';
import type { SqliteDatabase } from '@osprey/repository';
import type { LeasedJob, WorkerJobQueue } from '../ports.js';
import { insertEvents } from './sqlite-execution-event-queue.js';
import type { SqliteWakeup } from './sqlite-wakeup.js';

/**
 * Worker jobs in `worker_jobs`. A queued job has `lease_until = 0`; a leased one holds its deadline in wall-clock
 * millis, so an expired lease is takeable again by the same `lease_until <= now` scan — no reaper needed.
 * Every state change runs in an IMMEDIATE transaction, which makes take() safe across processes.
 */
export class SqliteWorkerJobQueue implements WorkerJobQueue {
  private readonly insertJob;
  private readonly selectTakeable;
  private readonly leaseJob;
  private readonly renewJob;
  private readonly deleteJob;
  private readonly insertEvent;
  private readonly requeueJob;
  private readonly deleteQueuedOfTaskRun;
  private readonly selectLeasedOfTaskRun;
  private readonly countDepth;

  constructor(
    private readonly db: SqliteDatabase,
    private readonly wakeup: SqliteWakeup,
  ) {
    this.insertJob = db.prepare(`INSERT INTO worker_jobs (id, execution_id, task_run_id, payload, state, worker_id, lease_until, deliveries, created)
      VALUES (@id, @executionId, @taskRunId, @payload, 'QUEUED', NULL, 0, 0, @created) ON CONFLICT (id) DO NOTHING`);
    this.selectTakeable = db.prepare<[number, number], { id: string; payload: string; deliveries: number }>(
      'SELECT id, payload, deliveries FROM worker_jobs WHERE lease_until <= ? ORDER BY lease_until, created, rowid LIMIT ?',
    );
    this.leaseJob = db.prepare<[string, number, string]>(
      `UPDATE worker_jobs SET state = 'LEASED', worker_id = ?, lease_until = ?, deliveries = deliveries + 1 WHERE id = ?`,
    );
    this.renewJob = db.prepare<[number, string, string]>(
      `UPDATE worker_jobs SET lease_until = ? WHERE id = ? AND worker_id = ? AND state = 'LEASED'`,
    );
    this.deleteJob = db.prepare<[string]>('DELETE FROM worker_jobs WHERE id = ?');
    this.insertEvent = db.prepare<[string, string, number]>('INSERT INTO execution_events (execution_id, payload, deliver_at) VALUES (?, ?, ?)');
    this.requeueJob = db.prepare<[string, string]>(
      `UPDATE worker_jobs SET state = 'QUEUED', worker_id = NULL, lease_until = 0 WHERE id = ? AND worker_id = ? AND state = 'LEASED'`,
    );
    this.deleteQueuedOfTaskRun = db.prepare<[string, number]>('DELETE FROM worker_jobs WHERE task_run_id = ? AND lease_until <= ?');
    this.selectLeasedOfTaskRun = db.prepare<[string], string>('SELECT id FROM worker_jobs WHERE task_run_id = ?').pluck();
    this.countDepth = db.prepare<[number, number], { pending: number; running: number }>(
      'SELECT coalesce(sum(lease_until <= ?), 0) AS pending, coalesce(sum(lease_until > ?), 0) AS running FROM worker_jobs',
    );
  }

  async publish(jobs: WorkerJob[]): Promise<void> {
    if (jobs.length === 0) return;
    this.db.transaction(() => insertJobs(this.insertJob, jobs, Date.now())).immediate();
    this.wakeup.notify('jobs');
  }

  async take(workerId: string, max: number, leaseMs: number): Promise<LeasedJob[]> {
    if (max <= 0) return [];
    return this.db
      .transaction(() => {
        const now = Date.now();
        const leaseUntil = now + leaseMs;
        return this.selectTakeable.all(now, max).map((row): LeasedJob => {
          this.leaseJob.run(workerId, leaseUntil, row.id);
          return { job: JSON.parse(row.payload) as WorkerJob, workerId, deliveries: row.deliveries + 1, leaseUntil };
        });
      })
      .immediate();
  }

  /** A lease is lost once another worker took the job over or the job is gone (completed, cancelled). */
  async renew(workerId: string, jobIds: string[], leaseMs: number): Promise<string[]> {
    if (jobIds.length === 0) return [];
    return this.db
      .transaction(() => {
        const leaseUntil = Date.now() + leaseMs;
        return jobIds.filter((id) => this.renewJob.run(leaseUntil, id, workerId).changes === 0);
      })
      .immediate();
  }

  /**
   * Delivers the result even when the lease was lost meanwhile (the job row may be gone or held by another
   * worker): the executor ignores results of attempts it has recorded, and dropping one would hang the execution.
   */
  async complete(lease: LeasedJob, result: TaskResultEvent): Promise<void> {
    this.db
      .transaction(() => {
        this.deleteJob.run(lease.job.id);
        insertEvents(this.insertEvent, [{ executionId: lease.job.executionId, event: result }], Date.now());
      })
      .immediate();
    this.wakeup.notify('events');
  }

  async giveBack(lease: LeasedJob): Promise<void> {
    const changes = this.requeueJob.run(lease.job.id, lease.workerId).changes;
    if (changes > 0) this.wakeup.notify('jobs');
  }

  async cancel(taskRunIds: string[]): Promise<string[]> {
    if (taskRunIds.length === 0) return [];
    return this.db.transaction(() => cancelJobs(this.deleteQueuedOfTaskRun, this.selectLeasedOfTaskRun, taskRunIds, Date.now())).immediate();
  }

  async waitForJobs(timeoutMs: number, signal?: AbortSignal): Promise<void> {
    return this.wakeup.wait('jobs', timeoutMs, signal);
  }

  async depth(): Promise<{ pending: number; running: number }> {
    const now = Date.now();
    const row = this.countDepth.get(now, now);
    return { pending: row?.pending ?? 0, running: row?.running ?? 0 };
  }
}

export function insertJobs(insert: { run(params: Record<string, unknown>): unknown }, jobs: readonly WorkerJob[], now: number): void {
  for (const job of jobs) {
    insert.run({ id: job.id, executionId: job.executionId, taskRunId: job.taskRun.id, payload: JSON.stringify(job), created: now });
  }
}

/** Deletes the queued (or lease-expired) jobs of the task runs and returns the ids of those still leased. */
export function cancelJobs(
  deleteQueued: { run(taskRunId: string, now: number): unknown },
  selectRemaining: { all(taskRunId: string): string[] },
  taskRunIds: readonly string[],
  now: number,
): string[] {
  const leased: string[] = [];
  for (const taskRunId of taskRunIds) {
    deleteQueued.run(taskRunId, now);
    leased.push(...selectRemaining.all(taskRunId));
  }
  return leased;
}
