import type { Execution, TaskRun } from '@osprey/flow-model';
import { chunks, toNumber, valuesList, type SqlExecutor } from './sql-database.js';

const EXECUTION_COLUMNS = ['id', 'namespace', 'flow_id', 'state', 'start_date', 'end_date', 'labels', 'parent_id', 'version', 'json'];
const TASK_RUN_COLUMNS = ['id', 'execution_id', 'namespace', 'flow_id', 'task_id', 'state', 'start_date', 'end_date', 'position', 'seq', 'json'];

// Orders task runs without a list position by insertion, as SQLite's rowid does.
let insertion = 0;
function nextSeq(): number {
  insertion = (insertion + 1) % 1000;
  return Date.now() * 1000 + insertion;
}

/**
 * Executions as one row plus one row per task run, so a state change costs the rows it changes, not the size of
 * the execution. Shared by the repository and the queue's executor store, which calls it inside its transaction.
 */
export class SqlExecutionRows {
  /** Inserts a new execution row; a concurrent insert of the same id fails with a unique violation. */
  async insert(tx: SqlExecutor, execution: Execution): Promise<void> {
    await tx.run(`INSERT INTO executions (${EXECUTION_COLUMNS.join(', ')}) VALUES ${valuesList(1, EXECUTION_COLUMNS.length)}`, executionValues(execution));
  }

  /** Updates the execution row only if it is still at `expectedVersion`; false when it is not (or missing). */
  async update(tx: SqlExecutor, execution: Execution, expectedVersion: number): Promise<boolean> {
    const [, ...values] = executionValues(execution);
    const sets = EXECUTION_COLUMNS.slice(1).map((c) => `${c} = ?`).join(', ');
    const changed = await tx.run(`UPDATE executions SET ${sets} WHERE id = ? AND version = ?`, [...values, execution.id, expectedVersion]);
    // MySQL counts matched-but-unchanged rows as 0; the version always changes on a real update, except in imports.
    if (changed > 0) return true;
    if (tx.dialect.name !== 'mysql') return false;
    return (await this.version(tx, execution.id)) === execution.version && expectedVersion === execution.version;
  }

  /** Upserts the execution row (imports and tests; the engine goes through insert/update with a version check). */
  async upsert(tx: SqlExecutor, execution: Execution): Promise<void> {
    const upsert = tx.dialect.upsert(['id'], EXECUTION_COLUMNS.slice(1));
    await tx.run(`INSERT INTO executions (${EXECUTION_COLUMNS.join(', ')}) VALUES ${valuesList(1, EXECUTION_COLUMNS.length)} ${upsert}`, executionValues(execution));
  }

  /** Upserts the given task runs (the others are left as stored), in batched statements. */
  async writeTaskRuns(tx: SqlExecutor, execution: Execution, changedTaskRuns: readonly TaskRun[]): Promise<void> {
    if (changedTaskRuns.length === 0) return;
    // New runs sit at the end of the list, so only its tail is searched; runs already stored keep their position.
    const positions = new Map<string, number>();
    const latest = new Map<string, TaskRun>();
    for (const taskRun of changedTaskRuns) latest.set(taskRun.id, taskRun);
    const list = execution.taskRunList ?? [];
    for (let index = list.length - 1, seen = 0; index >= 0 && positions.size < latest.size && seen < 4 * latest.size + 16; index--, seen++) {
      const id = list[index]!.id;
      if (latest.has(id)) positions.set(id, index);
    }
    const upsert = tx.dialect.upsert(['id'], ['state', 'start_date', 'end_date', 'position', 'json'], { position: 'coalesce(EXCLUDED.position, task_runs.position)' });
    for (const batch of chunks([...latest.values()], TASK_RUN_COLUMNS.length)) {
      const params: unknown[] = [];
      for (const taskRun of batch) {
        params.push(
          taskRun.id,
          taskRun.executionId,
          taskRun.namespace,
          taskRun.flowId,
          taskRun.taskId,
          taskRun.state.current,
          taskRun.state.startDate,
          taskRun.state.endDate ?? null,
          positions.get(taskRun.id) ?? null,
          nextSeq(),
          JSON.stringify(taskRun),
        );
      }
      await tx.run(`INSERT INTO task_runs (${TASK_RUN_COLUMNS.join(', ')}) VALUES ${valuesList(batch.length, TASK_RUN_COLUMNS.length)} ${upsert}`, params);
    }
  }

  async read(tx: SqlExecutor, id: string): Promise<Execution | null> {
    const [row] = await tx.query<{ json: string; version: unknown }>('SELECT json, version FROM executions WHERE id = ?', [id]);
    if (!row) return null;
    const execution = JSON.parse(row.json) as Execution;
    execution.version = toNumber(row.version);
    const taskRuns = await tx.query<{ json: string }>('SELECT json FROM task_runs WHERE execution_id = ? ORDER BY position, seq', [id]);
    execution.taskRunList = taskRuns.map((taskRun) => JSON.parse(taskRun.json) as TaskRun);
    return execution;
  }

  /** The stored version, or undefined when the execution does not exist. */
  async version(tx: SqlExecutor, id: string): Promise<number | undefined> {
    const [row] = await tx.query<{ version: unknown }>('SELECT version FROM executions WHERE id = ?', [id]);
    return row ? toNumber(row.version) : undefined;
  }

  async delete(tx: SqlExecutor, id: string): Promise<boolean> {
    await tx.run('DELETE FROM task_runs WHERE execution_id = ?', [id]);
    return (await tx.run('DELETE FROM executions WHERE id = ?', [id])) > 0;
  }
}

function executionValues(execution: Execution): unknown[] {
  const { taskRunList: _taskRuns, ...rest } = execution;
  return [
    execution.id,
    execution.namespace,
    execution.flowId,
    execution.state.current,
    execution.state.startDate,
    execution.state.endDate ?? null,
    JSON.stringify(execution.labels ?? []),
    execution.parent?.executionId ?? null,
    execution.version,
    JSON.stringify(rest),
  ];
}
