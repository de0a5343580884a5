import type { Execution, StateType } from '@osprey/flow-model';
import type { ExecutionQuery, ExecutionRepository, Page } from '../ports.js';
import type { SqliteDatabase } from './sqlite-database.js';
import { SqliteExecutionRows } from './sqlite-execution-rows.js';
import { cachedStatement, paging, SqlWhere } from './sql-query.js';

const SORTABLE: Record<string, string> = {
  id: 'id',
  namespace: 'namespace',
  flowId: 'flow_id',
  'state.current': 'state',
  'state.startDate': 'start_date',
  'state.endDate': 'end_date',
};

export class SqliteExecutionRepository implements ExecutionRepository {
  constructor(
    private readonly db: SqliteDatabase,
    private readonly rows: SqliteExecutionRows,
  ) {}

  async get(id: string): Promise<Execution | null> {
    return this.rows.read(id);
  }

  async search(query: ExecutionQuery): Promise<Page<Execution>> {
    const where = new SqlWhere()
      .namespace('namespace', query.namespace)
      .equals('flow_id', query.flowId)
      .oneOf('state', query.state)
      .labels('executions.labels', query.labels)
      .equals('parent_id', query.parentExecutionId);
    if (query.startDate) where.add('start_date >= ?', normalizeDate(query.startDate));
    if (query.endDate) where.add('start_date <= ?', normalizeDate(query.endDate));
    const page = paging(query, SORTABLE, 'start_date DESC, id DESC');
    const total = cachedStatement(this.db, `SELECT count(*) FROM executions ${where.toSql()}`).pluck().get(...where.params) as number;
    const rows = cachedStatement(this.db, `SELECT json, version FROM executions ${where.toSql()} ORDER BY ${page.orderBy} LIMIT ? OFFSET ?`)
      .pluck(false)
      .all(...where.params, page.limit, page.offset) as { json: string; version: number }[];
    return {
      total,
      results: rows.map((row) => ({ ...(JSON.parse(row.json) as Execution), version: row.version, taskRunList: [] })),
    };
  }

  async delete(id: string): Promise<boolean> {
    return this.db.transaction(() => this.rows.delete(id)).immediate();
  }

  async dailyStats(query: { namespace?: string; flowId?: string; startDate: string; endDate: string }): Promise<{ date: string; state: StateType; count: number }[]> {
    const where = new SqlWhere()
      .namespace('namespace', query.namespace)
      .equals('flow_id', query.flowId)
      .add('start_date >= ?', normalizeDate(query.startDate))
      .add('start_date <= ?', normalizeDate(query.endDate));
    return cachedStatement(
      this.db,
      `SELECT substr(start_date, 1, 10) AS date, state, count(*) AS count FROM executions ${where.toSql()} GROUP BY date, state ORDER BY date, state`,
    )
      .pluck(false)
      .all(...where.params) as { date: string; state: StateType; count: number }[];
  }
}

/** Stored dates are `toISOString()` (UTC); query bounds may carry offsets, so they are normalised before comparing as text. */
export function normalizeDate(date: string): string {
  const millis = Date.parse(date);
  return Number.isNaN(millis) ? date : new Date(millis).toISOString();
}
