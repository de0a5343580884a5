import type { Execution, TaskRun } from '@osprey/flow-model';
import type { SqliteDatabase } from './sqlite-database.js';

interface ExecutionRow {
  json: string;
  version: number;
}

/**
 * Reads and writes executions as one row plus one row per task run, so a state change costs the rows it changes,
 * not the size of the execution. Shared by the repository and the queue's executor store (same file, same tables).
 * The write methods are synchronous and expect the caller's transaction.
 */
export class SqliteExecutionRows {
  private readonly upsertExecution;
  private readonly upsertTaskRun;
  private readonly selectExecution;
  private readonly selectTaskRuns;
  private readonly selectVersion;
  private readonly deleteExecution;
  private readonly deleteTaskRuns;

  constructor(db: SqliteDatabase) {
    this.upsertExecution = db.prepare(`
      INSERT INTO executions (id, namespace, flow_id, state, start_date, end_date, labels, parent_id, version, json)
      VALUES (@id, @namespace, @flowId, @state, @startDate, @endDate, @labels, @parentId, @version, @json)
      ON CONFLICT (id) DO UPDATE SET namespace = excluded.namespace, flow_id = excluded.flow_id, state = excluded.state,
        start_date = excluded.start_date, end_date = excluded.end_date, labels = excluded.labels,
        parent_id = excluded.parent_id, version = excluded.version, json = excluded.json`);
    this.upsertTaskRun = db.prepare(`
      INSERT INTO task_runs (id, execution_id, namespace, flow_id, task_id, state, start_date, end_date, position, json)
      VALUES (@id, @executionId, @namespace, @flowId, @taskId, @state, @startDate, @endDate, @position, @json)
      ON CONFLICT (id) DO UPDATE SET state = excluded.state, start_date = excluded.start_date,
        end_date = excluded.end_date, position = coalesce(excluded.position, task_runs.position), json = excluded.json`);
    this.selectExecution = db.prepare<[string], ExecutionRow>('SELECT json, version FROM executions WHERE id = ?');
    this.selectTaskRuns = db
      .prepare<[string], string>('SELECT json FROM task_runs WHERE execution_id = ? ORDER BY position, rowid')
      .pluck();
    this.selectVersion = db.prepare<[string], number>('SELECT version FROM executions WHERE id = ?').pluck();
    this.deleteExecution = db.prepare<[string]>('DELETE FROM executions WHERE id = ?');
    this.deleteTaskRuns = db.prepare<[string]>('DELETE FROM task_runs WHERE execution_id = ?');
  }

  /** Upserts the execution row and the given task runs (the others are left as stored). */
  write(execution: Execution, changedTaskRuns: readonly TaskRun[]): void {
    const { taskRunList, ...rest } = execution;
    this.upsertExecution.run({
      id: execution.id,
      namespace: execution.namespace,
      flowId: execution.flowId,
      state: execution.state.current,
      startDate: execution.state.startDate,
      endDate: execution.state.endDate ?? null,
      labels: JSON.stringify(execution.labels ?? []),
      parentId: execution.parent?.executionId ?? null,
      version: execution.version,
      json: JSON.stringify(rest),
    });
    if (changedTaskRuns.length === 0) return;
    // The list position keeps task runs in the executor's order even when several are created in one commit.
    // New runs sit at the end of the list, so only its tail is searched; runs already stored keep their position.
    const positions = new Map<string, number>();
    const wanted = new Set(changedTaskRuns.map((taskRun) => taskRun.id));
    const list = taskRunList ?? [];
    for (let index = list.length - 1, seen = 0; index >= 0 && positions.size < wanted.size && seen < 4 * wanted.size + 16; index--, seen++) {
      const id = list[index]!.id;
      if (wanted.has(id)) positions.set(id, index);
    }
    for (const taskRun of changedTaskRuns) {
      this.upsertTaskRun.run({
        id: taskRun.id,
        executionId: taskRun.executionId,
        namespace: taskRun.namespace,
        flowId: taskRun.flowId,
        taskId: taskRun.taskId,
        state: taskRun.state.current,
        startDate: taskRun.state.startDate,
        endDate: taskRun.state.endDate ?? null,
        position: positions.get(taskRun.id) ?? null,
        json: JSON.stringify(taskRun),
      });
    }
  }

  read(id: string): Execution | null {
    const row = this.selectExecution.get(id);
    if (!row) return null;
    const execution = JSON.parse(row.json) as Execution;
    execution.version = row.version;
    execution.taskRunList = this.selectTaskRuns.all(id).map((json) => JSON.parse(json) as TaskRun);
    return execution;
  }

  /** The stored version, or undefined when the execution does not exist. */
  version(id: string): number | undefined {
    return this.selectVersion.get(id);
  }

  delete(id: string): boolean {
    this.deleteTaskRuns.run(id);
    return this.deleteExecution.run(id).changes > 0;
  }
}
