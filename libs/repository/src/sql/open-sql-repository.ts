import type { Execution, TaskRun } from '@osprey/flow-model';
import type { Repository } from '../ports.js';
import { SqlExecutionRepository } from './sql-execution-repository.js';
import { SqlFlowRepository } from './sql-flow-repository.js';
import { SqlKvRepository } from './sql-kv-repository.js';
import { SqlLogRepository } from './sql-log-repository.js';
import { SqlServiceInstanceRepository } from './sql-service-instance-repository.js';
import { SqlTaskRunRepository } from './sql-task-run-repository.js';
import { SqlTriggerRepository } from './sql-trigger-repository.js';
import { openSqlDatabase, type SqlDatabase, type SqlDatabaseOptions, SqlExecutionRows, sqlRepositoryMigrations } from '@osprey/sql';

/** The repository port on PostgreSQL or MySQL/MariaDB (its own pool; the queue adapter may use the same database). */
export class SqlRepository implements Repository {
  readonly flows: SqlFlowRepository;
  readonly executions: SqlExecutionRepository;
  readonly taskRuns: SqlTaskRunRepository;
  readonly logs: SqlLogRepository;
  readonly triggers: SqlTriggerRepository;
  readonly kv: SqlKvRepository;
  readonly instances: SqlServiceInstanceRepository;
  private readonly rows = new SqlExecutionRows();

  constructor(readonly db: SqlDatabase) {
    this.flows = new SqlFlowRepository(db);
    this.executions = new SqlExecutionRepository(db, this.rows);
    this.taskRuns = new SqlTaskRunRepository(db);
    this.logs = new SqlLogRepository(db);
    this.triggers = new SqlTriggerRepository(db);
    this.kv = new SqlKvRepository(db);
    this.instances = new SqlServiceInstanceRepository(db);
  }

  /** Writes an execution row and the given task runs outside the executor (imports, tests). */
  async writeExecution(execution: Execution, changedTaskRuns: readonly TaskRun[] = execution.taskRunList): Promise<void> {
    await this.db.transaction(async (tx) => {
      await this.rows.upsert(tx, execution);
      await this.rows.writeTaskRuns(tx, execution, changedTaskRuns);
    });
  }

  async close(): Promise<void> {
    await this.db.close();
  }
}

export async function openSqlRepository(options: SqlDatabaseOptions): Promise<SqlRepository> {
  return new SqlRepository(await openSqlDatabase(options, sqlRepositoryMigrations));
}

/** Brings the repository schema of the database at `options.url` up to date (`osprey migrate`); returns the applied steps. */
export async function migrateSqlRepository(options: Omit<SqlDatabaseOptions, 'migrate'>): Promise<string[]> {
  const db = await openSqlDatabase({ ...options, migrate: false, poolSize: 2 }, sqlRepositoryMigrations);
  try {
    return await db.migrate();
  } finally {
    await db.close();
  }
}
