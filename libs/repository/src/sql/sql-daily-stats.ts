import type { StateType } from '@osprey/flow-model';
import { type SqlDatabase, SqlWhere, toNumber } from '@osprey/sql';
import type { DailyStateCount, DailyStatsQuery } from '../ports.js';
import { normalizeDate } from './sql-paging.js';

/** The conditions of a daily count on a table with `namespace`, `flow_id`, `state` and `start_date` columns. */
function dailyWhere(db: SqlDatabase, query: DailyStatsQuery): SqlWhere {
  const where = new SqlWhere(db.dialect);
  // With a flow, its namespace is matched exactly (a flow id names one flow only within its namespace).
  if (query.flowId !== undefined) where.equals('namespace', query.namespace);
  else where.namespace('namespace', query.namespace);
  where
    .equals('flow_id', query.flowId)
    .oneOf('state', query.state)
    .add('start_date >= ?', normalizeDate(query.startDate))
    .add('start_date <= ?', normalizeDate(query.endDate));
  if (query.flows && query.flows.length > 0) {
    where.add(`(${query.flows.map(() => '(namespace = ? AND flow_id = ?)').join(' OR ')})`, ...query.flows.flatMap((f) => [f.namespace, f.id]));
  }
  return where;
}

/**
 * Counts the rows of `table` per UTC day (start dates are stored as ISO strings in UTC, so the day is their first ten
 * characters) and state, and per namespace or flow when grouped so: a GROUP BY, never a read of the rows themselves.
 */
export async function sqlDailyStateCounts(db: SqlDatabase, table: 'executions' | 'task_runs', query: DailyStatsQuery, groupBy?: 'namespace' | 'flow'): Promise<DailyStateCount[]> {
  const where = dailyWhere(db, query);
  const keys = groupBy === 'flow' ? ['namespace', 'flow_id'] : groupBy === 'namespace' ? ['namespace'] : [];
  const columns = ['substr(start_date, 1, 10)', ...keys, 'state'];
  const rows = await db.query<{ day: string; state: StateType; count: unknown; namespace?: string; flow_id?: string }>(
    `SELECT substr(start_date, 1, 10) AS day, ${[...keys, 'state'].join(', ')}, count(*) AS count FROM ${table} ${where.toSql()}
     GROUP BY ${columns.join(', ')} ORDER BY ${columns.join(', ')}`,
    where.params,
  );
  return rows.map((row) => ({
    date: row.day,
    state: row.state,
    count: toNumber(row.count),
    ...(keys.includes('namespace') ? { namespace: row.namespace } : {}),
    ...(keys.includes('flow_id') ? { flowId: row.flow_id } : {}),
  }));
}
