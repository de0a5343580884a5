import { isTerminated, type Execution, type StoredConditionWindow } from '@osprey/flow-model';
import { VersionConflictError, type ConditionWindowCommit, type ExecutorCommit, type ExecutorStore } from '../ports.js';
import { purgeConditionWindows, readConditionWindows, writeConditionWindows } from './sql-condition-windows.js';
import { cancelJobs, insertEvents, insertJobs } from './sql-queue-rows.js';
import type { SqlWakeup } from './sql-wakeup.js';
import { type SqlDatabase, SqlExecutionRows } from '@osprey/sql';

/**
 * The executor's write path. The execution row (with its version check), the changed task run rows (repository
 * tables), outbound jobs and events, consumed-event deletes and the claim release (queue tables) commit in ONE
 * transaction of one database.
 */
export class SqlExecutorStore implements ExecutorStore {
  private readonly rows = new SqlExecutionRows();
  readonly keepsConditionWindows = true;
  /** Each window is a row under its own version check: upstream decisions change them in their own transaction. */
  readonly routesConditionWindows = false;

  constructor(
    private readonly db: SqlDatabase,
    private readonly wakeup: SqlWakeup,
  ) {}

  async load(executionId: string): Promise<Execution | null> {
    return this.rows.read(this.db, executionId);
  }

  async commit(consumerId: string, commit: ExecutorCommit): Promise<void> {
    const { execution } = commit;
    try {
      await this.db.transaction(async (tx) => {
        if (commit.expectedVersion === 0) {
          await this.rows.insert(tx, execution);
        } else if (!(await this.rows.update(tx, execution, commit.expectedVersion))) {
          throw new VersionConflictError(execution.id, commit.expectedVersion, (await this.rows.version(tx, execution.id)) ?? 0);
        }
        const now = Date.now();
        // Timers of an ended execution (retries, pause and flow timeouts) can change nothing: drop them.
        if (isTerminated(execution.state.current)) await tx.run('DELETE FROM execution_events WHERE execution_id = ? AND deliver_at > ?', [execution.id, now]);
        await this.rows.writeTaskRuns(tx, execution, commit.changedTaskRuns);
        await insertJobs(tx, commit.jobs, now);
        await insertEvents(tx, commit.events, now);
        if (commit.consumed.length > 0) {
          const consumed = tx.dialect.in('seq', commit.consumed);
          await tx.run(`DELETE FROM execution_events WHERE ${consumed.sql}`, consumed.params);
        }
        await cancelJobs(tx, commit.cancelJobs, now);
        // Writes first: a decision that replaces an expired window keeps it from the purge.
        await writeConditionWindows(tx, commit.conditionWindows ?? []);
        if (commit.purgeConditionWindowsBefore !== undefined) await purgeConditionWindows(tx, commit.purgeConditionWindowsBefore);
        await tx.run('DELETE FROM execution_locks WHERE execution_id = ? AND owner = ?', [execution.id, consumerId]);
      });
    } catch (error) {
      // A new execution whose id exists already: the insert hit the primary key.
      if (commit.expectedVersion === 0 && this.db.dialect.isUniqueViolation(error)) {
        throw new VersionConflictError(execution.id, 0, (await this.rows.version(this.db, execution.id)) ?? 0);
      }
      throw error;
    }
    if (commit.jobs.length > 0) this.wakeup.notify('jobs');
    this.wakeup.notify('events');
  }

  async loadConditionWindows(keys: readonly string[]): Promise<Map<string, StoredConditionWindow>> {
    return keys.length === 0 ? new Map() : readConditionWindows(this.db, keys);
  }

  /** Not used by the executor here (windows are not routed), but kept to the port's meaning for any caller. */
  async commitConditionWindows(consumerId: string, commit: ConditionWindowCommit): Promise<void> {
    await this.db.transaction(async (tx) => {
      await insertEvents(tx, commit.events, Date.now());
      if (commit.consumed.length > 0) {
        const consumed = tx.dialect.in('seq', commit.consumed);
        await tx.run(`DELETE FROM execution_events WHERE ${consumed.sql}`, consumed.params);
      }
      await writeConditionWindows(tx, commit.conditionWindows);
      if (commit.purgeConditionWindowsBefore !== undefined) await purgeConditionWindows(tx, commit.purgeConditionWindowsBefore);
      await tx.run('DELETE FROM execution_locks WHERE execution_id = ? AND owner = ?', [commit.key, consumerId]);
    });
    this.wakeup.notify('events');
  }

  async acknowledge(consumerId: string, executionId: string, seqs: number[]): Promise<void> {
    await this.db.transaction(async (tx) => {
      if (seqs.length > 0) {
        const consumed = tx.dialect.in('seq', seqs);
        await tx.run(`DELETE FROM execution_events WHERE ${consumed.sql} AND execution_id = ?`, [...consumed.params, executionId]);
      }
      await tx.run('DELETE FROM execution_locks WHERE execution_id = ? AND owner = ?', [executionId, consumerId]);
    });
    this.wakeup.notify('events');
  }
}
