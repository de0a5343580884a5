import type { Execution, TaskRun } from '@osprey/flow-model';
import type { Repository } from '../ports.js';
import { openSqliteDatabase, type SqliteDatabase, type SqliteDatabaseOptions } from './sqlite-database.js';
import { SqliteExecutionRepository } from './sqlite-execution-repository.js';
import { SqliteExecutionRows } from './sqlite-execution-rows.js';
import { SqliteFlowRepository } from './sqlite-flow-repository.js';
import { SqliteKvRepository } from './sqlite-kv-repository.js';
import { SqliteLogRepository } from './sqlite-log-repository.js';
import { SqliteServiceInstanceRepository } from './sqlite-service-instance-repository.js';
import { SqliteTaskRunRepository } from './sqlite-task-run-repository.js';
import { SqliteTriggerRepository } from './sqlite-trigger-repository.js';

/** The repository port on one SQLite file (its own connection; the queue adapter may share the file). */
export class SqliteRepository implements Repository {
  readonly flows: SqliteFlowRepository;
  readonly executions: SqliteExecutionRepository;
  readonly taskRuns: SqliteTaskRunRepository;
  readonly logs: SqliteLogRepository;
  readonly triggers: SqliteTriggerRepository;
  readonly kv: SqliteKvRepository;
  readonly instances: SqliteServiceInstanceRepository;
  private readonly rows: SqliteExecutionRows;

  constructor(readonly db: SqliteDatabase) {
    this.rows = new SqliteExecutionRows(db);
    this.flows = new SqliteFlowRepository(db);
    this.executions = new SqliteExecutionRepository(db, this.rows);
    this.taskRuns = new SqliteTaskRunRepository(db);
    this.logs = new SqliteLogRepository(db);
    this.triggers = new SqliteTriggerRepository(db);
    this.kv = new SqliteKvRepository(db);
    this.instances = new SqliteServiceInstanceRepository(db);
  }

  /**
   * Writes an execution row and the given task runs outside the executor (imports, tests). The engine writes
   * executions through the queue's ExecutorStore, which uses the same rows in its commit transaction.
   */
  async writeExecution(execution: Execution, changedTaskRuns: readonly TaskRun[] = execution.taskRunList): Promise<void> {
    this.db.transaction(() => this.rows.write(execution, changedTaskRuns)).immediate();
  }

  async close(): Promise<void> {
    if (this.db.open) this.db.close();
  }
}

export async function openSqliteRepository(file: string, options?: SqliteDatabaseOptions): Promise<SqliteRepository> {
  return new SqliteRepository(openSqliteDatabase(file, options));
}
