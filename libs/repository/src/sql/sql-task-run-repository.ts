import type { TaskRun } from '@osprey/flow-model';
import type { DailyStateCount, DailyStatsQuery, Page, TaskRunQuery, TaskRunRepository } from '../ports.js';
import { sqlDailyStateCounts } from './sql-daily-stats.js';
import { normalizeDate, paging } from './sql-paging.js';
import { addSqlFilters, refusingInvalidRegex, type SqlFilterColumns } from './sql-filters.js';
import { type SqlDatabase, SqlWhere, toNumber } from '@osprey/sql';

const SORTABLE: Record<string, string> = {
  id: 'tr.id',
  namespace: 'tr.namespace',
  flowId: 'tr.flow_id',
  executionId: 'tr.execution_id',
  taskId: 'tr.task_id',
  'state.current': 'tr.state',
  'state.startDate': 'tr.start_date',
  'state.endDate': 'tr.end_date',
};

// `ex` is the task run's execution, joined only for the filters on its labels and parent.
const FILTER_COLUMNS: SqlFilterColumns = {
  text: {
    namespace: { column: 'tr.namespace' },
    flowId: { column: 'tr.flow_id' },
    executionId: { column: 'tr.execution_id' },
    triggerExecutionId: { column: 'ex.parent_id', nullable: true },
  },
  query: ['tr.id', 'tr.namespace', 'tr.flow_id', 'tr.task_id', 'tr.execution_id'],
  date: 'tr.start_date',
  state: 'tr.state',
  labels: 'ex.labels',
  parent: 'ex.parent_id',
};
const EXECUTION_FIELDS = new Set(['labels', 'triggerExecutionId', 'childFilter']);

/**
 * Task runs are their own rows, so the Task Runs view searches them directly (indexes per filter); filters on what
 * belongs to the execution (labels, parent) read it through a join on its primary key.
 */
export class SqlTaskRunRepository implements TaskRunRepository {
  constructor(private readonly db: SqlDatabase) {}

  async search(query: TaskRunQuery): Promise<Page<TaskRun>> {
    const where = new SqlWhere(this.db.dialect)
      .namespace('tr.namespace', query.namespace)
      .equals('tr.flow_id', query.flowId)
      .equals('tr.execution_id', query.executionId)
      .equals('tr.task_id', query.taskId)
      .oneOf('tr.state', query.state);
    if (query.startDate) where.add('tr.start_date >= ?', normalizeDate(query.startDate));
    if (query.endDate) where.add('tr.start_date <= ?', normalizeDate(query.endDate));
    addSqlFilters(where, this.db.dialect, 'taskRun', query.filters, FILTER_COLUMNS);
    const from = (query.filters ?? []).some((f) => EXECUTION_FIELDS.has(f.field))
      ? 'task_runs tr LEFT JOIN executions ex ON ex.id = tr.execution_id'
      : 'task_runs tr';
    const page = paging(query, SORTABLE, 'tr.start_date DESC, tr.id DESC');
    // The count runs first: a REGEX pattern the server refuses fails there, as the caller's error.
    const [count] = await refusingInvalidRegex(this.db.dialect, query.filters, () => this.db.query<{ total: unknown }>(`SELECT count(*) AS total FROM ${from} ${where.toSql()}`, where.params));
    const rows = await this.db.query<{ json: string }>(`SELECT tr.json FROM ${from} ${where.toSql()} ORDER BY ${page.orderBy} LIMIT ? OFFSET ?`, [
      ...where.params,
      page.limit,
      page.offset,
    ]);
    return { total: toNumber(count?.total ?? 0), results: rows.map((row) => JSON.parse(row.json) as TaskRun) };
  }

  async dailyStats(query: DailyStatsQuery): Promise<DailyStateCount[]> {
    return sqlDailyStateCounts(this.db, 'task_runs', query);
  }
}
