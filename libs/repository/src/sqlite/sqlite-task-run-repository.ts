import type { TaskRun } from '@osprey/flow-model';
import type { Page, TaskRunQuery, TaskRunRepository } from '../ports.js';
import type { SqliteDatabase } from './sqlite-database.js';
import { normalizeDate } from './sqlite-execution-repository.js';
import { cachedStatement, paging, SqlWhere } from './sql-query.js';

const SORTABLE: Record<string, string> = {
  id: 'id',
  namespace: 'namespace',
  flowId: 'flow_id',
  executionId: 'execution_id',
  taskId: 'task_id',
  'state.current': 'state',
  'state.startDate': 'start_date',
  'state.endDate': 'end_date',
};

/** Task runs are their own rows, so the Task Runs view searches them directly. */
export class SqliteTaskRunRepository implements TaskRunRepository {
  constructor(private readonly db: SqliteDatabase) {}

  async search(query: TaskRunQuery): Promise<Page<TaskRun>> {
    const where = new SqlWhere()
      .namespace('namespace', query.namespace)
      .equals('flow_id', query.flowId)
      .equals('execution_id', query.executionId)
      .equals('task_id', query.taskId)
      .oneOf('state', query.state);
    if (query.startDate) where.add('start_date >= ?', normalizeDate(query.startDate));
    if (query.endDate) where.add('start_date <= ?', normalizeDate(query.endDate));
    const page = paging(query, SORTABLE, 'start_date DESC, id DESC');
    const total = cachedStatement(this.db, `SELECT count(*) FROM task_runs ${where.toSql()}`).pluck().get(...where.params) as number;
    const rows = cachedStatement(this.db, `SELECT json FROM task_runs ${where.toSql()} ORDER BY ${page.orderBy} LIMIT ? OFFSET ?`)
      .pluck()
      .all(...where.params, page.limit, page.offset) as string[];
    return { total, results: rows.map((json) => JSON.parse(json) as TaskRun) };
  }
}
