import { isTerminated, type Execution } from '@osprey/flow-model';
import { SqliteExecutionRows, type SqliteDatabase } from '@osprey/repository';
import { VersionConflictError, type ExecutorCommit, type ExecutorStore } from '../ports.js';
import { insertEvents } from './sqlite-execution-event-queue.js';
import { cancelJobs, insertJobs } from './sqlite-worker-job-queue.js';
import type { SqliteWakeup } from './sqlite-wakeup.js';

/**
 * The executor's outbox: the execution row, its changed task-run rows (repository tables), outbound jobs and
 * events, consumed-event deletes and the claim release (queue tables) commit in ONE transaction on one file.
 */
export class SqliteExecutorStore implements ExecutorStore {
  private readonly rows: SqliteExecutionRows;
  private readonly insertJob;
  private readonly insertEvent;
  private readonly deleteEvent;
  private readonly deleteQueuedOfTaskRun;
  private readonly selectJobsOfTaskRun;
  private readonly unlock;
  private readonly deletePendingOfExecution;

  constructor(
    private readonly db: SqliteDatabase,
    private readonly wakeup: SqliteWakeup,
  ) {
    this.rows = new SqliteExecutionRows(db);
    this.insertJob = db.prepare(`INSERT INTO worker_jobs (id, execution_id, task_run_id, payload, state, worker_id, lease_until, deliveries, created)
      VALUES (@id, @executionId, @taskRunId, @payload, 'QUEUED', NULL, 0, 0, @created) ON CONFLICT (id) DO NOTHING`);
    this.insertEvent = db.prepare<[string, string, number]>('INSERT INTO execution_events (execution_id, payload, deliver_at) VALUES (?, ?, ?)');
    this.deleteEvent = db.prepare<[number]>('DELETE FROM execution_events WHERE seq = ?');
    this.deleteQueuedOfTaskRun = db.prepare<[string, number]>('DELETE FROM worker_jobs WHERE task_run_id = ? AND lease_until <= ?');
    this.selectJobsOfTaskRun = db.prepare<[string], string>('SELECT id FROM worker_jobs WHERE task_run_id = ?').pluck();
    this.unlock = db.prepare<[string, string]>('DELETE FROM execution_locks WHERE execution_id = ? AND owner = ?');
    this.deletePendingOfExecution = db.prepare<[string, number]>('DELETE FROM execution_events WHERE execution_id = ? AND deliver_at > ?');
  }

  async load(executionId: string): Promise<Execution | null> {
    return this.rows.read(executionId);
  }

  async commit(consumerId: string, commit: ExecutorCommit): Promise<void> {
    const { execution } = commit;
    this.db
      .transaction(() => {
        const stored = this.rows.version(execution.id);
        const actual = stored ?? 0;
        if ((commit.expectedVersion === 0 && stored !== undefined) || actual !== commit.expectedVersion) {
          throw new VersionConflictError(execution.id, commit.expectedVersion, actual);
        }
        const now = Date.now();
        // Timers of an ended execution (retries, pause and flow timeouts) can change nothing: drop them.
        if (isTerminated(execution.state.current)) this.deletePendingOfExecution.run(execution.id, now);
        this.rows.write(execution, commit.changedTaskRuns);
        insertJobs(this.insertJob, commit.jobs, now);
        insertEvents(this.insertEvent, commit.events, now);
        for (const seq of commit.consumed) this.deleteEvent.run(seq);
        cancelJobs(this.deleteQueuedOfTaskRun, this.selectJobsOfTaskRun, commit.cancelJobs, now);
        this.unlock.run(execution.id, consumerId);
      })
      .immediate();
    if (commit.jobs.length > 0) this.wakeup.notify('jobs');
    // The released lock may let events that arrived meanwhile be claimed.
    this.wakeup.notify('events');
  }

  async acknowledge(consumerId: string, executionId: string, seqs: number[]): Promise<void> {
    this.db
      .transaction(() => {
        for (const seq of seqs) this.deleteEvent.run(seq);
        this.unlock.run(executionId, consumerId);
      })
      .immediate();
    // The released lock may let events that arrived meanwhile be claimed.
    this.wakeup.notify('events');
  }
}
