import type { TaskRun } from '@osprey/flow-model';
import type { Page, TaskRunQuery, TaskRunRepository } from '../ports.js';
import { normalizeDate, paging } from './sql-paging.js';
import { addSqlFilters, refusingInvalidRegex, type SqlFilterColumns } from './sql-filters.js';
import { type SqlDatabase, SqlWhere, toNumber } from '@osprey/sql';

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

const FILTER_COLUMNS: SqlFilterColumns = {
  text: { namespace: { column: 'namespace' }, flowId: { column: 'flow_id' }, executionId: { column: 'execution_id' } },
  query: ['id', 'namespace', 'flow_id', 'task_id', 'execution_id'],
  date: 'start_date',
  state: 'state',
};

/** Task runs are their own rows, so the Task Runs view searches them directly (indexes per filter). */
export class SqlTaskRunRepository implements TaskRunRepository {
  constructor(private readonly db: SqlDatabase) {}

  async search(query: TaskRunQuery): Promise<Page<TaskRun>> {
    const where = new SqlWhere(this.db.dialect)
      .namespace('namespace', query.namespace)
      .equals('flow_id', query.flowId)
      .equals('execution_id', query.executionId)
      .equals('task_id', query.taskId)
      .oneOf('state', query.state);
    if (query.startDate) where.add('start_date >= ?', normalizeDate(query.startDate));
    if (query.endDate) where.add('start_date <= ?', normalizeDate(query.endDate));
    addSqlFilters(where, this.db.dialect, 'taskRun', query.filters, FILTER_COLUMNS);
    const page = paging(query, SORTABLE, 'start_date DESC, id DESC');
    // The count runs first: a REGEX pattern the server refuses fails there, as the caller's error.
    const [count] = await refusingInvalidRegex(this.db.dialect, query.filters, () => this.db.query<{ total: unknown }>(`SELECT count(*) AS total FROM task_runs ${where.toSql()}`, where.params));
    const rows = await this.db.query<{ json: string }>(`SELECT json FROM task_runs ${where.toSql()} ORDER BY ${page.orderBy} LIMIT ? OFFSET ?`, [
      ...where.params,
      page.limit,
      page.offset,
    ]);
    return { total: toNumber(count?.total ?? 0), results: rows.map((row) => JSON.parse(row.json) as TaskRun) };
  }
}
