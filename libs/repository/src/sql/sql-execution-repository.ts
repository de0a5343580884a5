import type { Execution } from '@osprey/flow-model';
import type { DailyStateCount, DailyStatsQuery, ExecutionQuery, ExecutionRepository, Page } from '../ports.js';
import { sqlDailyStateCounts } from './sql-daily-stats.js';
import { normalizeDate, paging } from './sql-paging.js';
import { addSqlFilters, refusingInvalidRegex, type SqlFilterColumns } from './sql-filters.js';
import { type SqlDatabase, type SqlExecutionRows, SqlWhere, toNumber } from '@osprey/sql';

const SORTABLE: Record<string, string> = {
  id: 'id',
  namespace: 'namespace',
  flowId: 'flow_id',
  'state.current': 'state',
  'state.startDate': 'start_date',
  'state.endDate': 'end_date',
};

const FILTER_COLUMNS: SqlFilterColumns = {
  text: { namespace: { column: 'namespace' }, flowId: { column: 'flow_id' }, triggerExecutionId: { column: 'parent_id', nullable: true } },
  query: ['id', 'namespace', 'flow_id'],
  date: 'start_date',
  state: 'state',
  labels: 'labels',
  parent: 'parent_id',
};

export class SqlExecutionRepository implements ExecutionRepository {
  constructor(
    private readonly db: SqlDatabase,
    private readonly rows: SqlExecutionRows,
  ) {}

  async get(id: string): Promise<Execution | null> {
    return this.rows.read(this.db, id);
  }

  async search(query: ExecutionQuery): Promise<Page<Execution>> {
    const where = new SqlWhere(this.db.dialect)
      .namespace('namespace', query.namespace)
      .equals('flow_id', query.flowId)
      .oneOf('state', query.state)
      .labels('labels', query.labels)
      .equals('parent_id', query.parentExecutionId);
    if (query.startDate) where.add('start_date >= ?', normalizeDate(query.startDate));
    if (query.endDate) where.add('start_date <= ?', normalizeDate(query.endDate));
    addSqlFilters(where, this.db.dialect, 'execution', query.filters, FILTER_COLUMNS);
    const page = paging(query, SORTABLE, 'start_date DESC, id DESC');
    // The count runs first: a REGEX pattern the server refuses fails there, as the caller's error.
    const [count] = await refusingInvalidRegex(this.db.dialect, query.filters, () => this.db.query<{ total: unknown }>(`SELECT count(*) AS total FROM executions ${where.toSql()}`, where.params));
    const rows = await this.db.query<{ json: string; version: unknown }>(
      `SELECT json, version FROM executions ${where.toSql()} ORDER BY ${page.orderBy} LIMIT ? OFFSET ?`,
      [...where.params, page.limit, page.offset],
    );
    return {
      total: toNumber(count?.total ?? 0),
      results: rows.map((row) => ({ ...(JSON.parse(row.json) as Execution), version: toNumber(row.version), taskRunList: [] })),
    };
  }

  async delete(id: string): Promise<boolean> {
    return this.db.transaction((tx) => this.rows.delete(tx, id));
  }

  async dailyStats(query: DailyStatsQuery & { groupBy?: 'namespace' | 'flow' }): Promise<DailyStateCount[]> {
    return sqlDailyStateCounts(this.db, 'executions', query, query.groupBy);
  }
}
