import type { LogDeletion, LogPurgeCriteria, LogQuery, LogRepository, LogStatsQuery, Page, StoredLogEntry } from '../ports.js';
import { normalizeDate, paging } from './sql-paging.js';
import { addSqlFilters, refusingInvalidRegex } from './sql-filters.js';
import { chunks, type SqlDatabase, SqlWhere, toNumber, valuesList } from '@osprey/sql';
import type { LogEntry, LogLevel } from '@osprey/flow-model';

const LEVELS: Record<LogLevel, number> = { TRACE: 0, DEBUG: 1, INFO: 2, WARN: 3, ERROR: 4 };
const LEVEL_NAMES = Object.keys(LEVELS) as LogLevel[];
const SORTABLE: Record<string, string> = { seq: 'seq', timestamp: 'timestamp', level: 'level' };
const COLUMNS = ['namespace', 'flow_id', 'execution_id', 'task_id', 'task_run_id', 'level', 'timestamp', 'message', 'json'];

/** Logs are append-only rows, written in batched inserts; `seq` is the cursor a follower passes back as `afterSeq`. */
export class SqlLogRepository implements LogRepository {
  /** `seq` is a counter the database assigns at insert, so an entry written late gets a higher one: nothing to re-read. */
  readonly lateSeqWindow = 0;

  constructor(private readonly db: SqlDatabase) {}

  async append(entries: LogEntry[]): Promise<void> {
    if (entries.length === 0) return;
    const insert = async (batch: LogEntry[]) => {
      const params = batch.flatMap((entry) => [
        entry.namespace,
        entry.flowId,
        entry.executionId,
        entry.taskId ?? null,
        entry.taskRunId ?? null,
        LEVELS[entry.level],
        normalizeDate(entry.timestamp),
        entry.message,
        JSON.stringify(entry),
      ]);
      await this.db.run(`INSERT INTO logs (${COLUMNS.join(', ')}) VALUES ${valuesList(batch.length, COLUMNS.length)}`, params);
    };
    const batches = chunks(entries, COLUMNS.length);
    if (batches.length === 1) await insert(batches[0]!);
    else await this.db.transaction(async () => { for (const batch of batches) await insert(batch); });
  }

  /** Oldest first unless sorted otherwise; pages default to 1000 entries because logs are read in bulk. */
  async search(query: LogQuery): Promise<Page<StoredLogEntry>> {
    const where = new SqlWhere(this.db.dialect)
      .namespace('namespace', query.namespace)
      .equals('flow_id', query.flowId)
      .equals('execution_id', query.executionId)
      .equals('task_run_id', query.taskRunId)
      .equals('task_id', query.taskId)
      .contains(['message'], query.q);
    if (query.minLevel) where.add('level >= ?', LEVELS[query.minLevel]);
    if (query.startDate) where.add('timestamp >= ?', normalizeDate(query.startDate));
    if (query.endDate) where.add('timestamp <= ?', normalizeDate(query.endDate));
    if (query.afterSeq !== undefined) where.add('seq > ?', query.afterSeq);
    addSqlFilters(where, this.db.dialect, 'log', query.filters, {
      text: {
        namespace: { column: 'namespace' },
        flowId: { column: 'flow_id' },
        executionId: { column: 'execution_id' },
        // The trigger id lives in the entry's JSON only (an entry from a trigger's evaluation carries it).
        triggerId: { column: this.db.dialect.jsonText('json', 'triggerId'), nullable: true },
      },
      query: ['message'],
      date: 'timestamp',
      level: { column: 'level', values: LEVELS },
    });
    const page = paging(query, SORTABLE, 'seq ASC', 1000);
    // The count runs first: a REGEX pattern the server refuses fails there, as the caller's error.
    const [count] = await refusingInvalidRegex(this.db.dialect, query.filters, () => this.db.query<{ total: unknown }>(`SELECT count(*) AS total FROM logs ${where.toSql()}`, where.params));
    const rows = await this.db.query<{ seq: unknown; json: string }>(`SELECT seq, json FROM logs ${where.toSql()} ORDER BY ${page.orderBy} LIMIT ? OFFSET ?`, [
      ...where.params,
      page.limit,
      page.offset,
    ]);
    return { total: toNumber(count?.total ?? 0), results: rows.map((row) => ({ ...(JSON.parse(row.json) as LogEntry), seq: toNumber(row.seq), id: String(toNumber(row.seq)) })) };
  }

  async dailyStats(query: LogStatsQuery): Promise<{ date: string; level: LogLevel; count: number }[]> {
    const where = new SqlWhere(this.db.dialect);
    // With a flow, its namespace is matched exactly, as for executions (see DailyStatsQuery).
    if (query.flowId !== undefined) where.equals('namespace', query.namespace);
    else where.namespace('namespace', query.namespace);
    where.equals('flow_id', query.flowId).add('timestamp >= ?', normalizeDate(query.startDate)).add('timestamp <= ?', normalizeDate(query.endDate));
    if (query.minLevel) where.add('level >= ?', LEVELS[query.minLevel]);
    const rows = await this.db.query<{ day: string; level: unknown; count: unknown }>(
      `SELECT substr(timestamp, 1, 10) AS day, level, count(*) AS count FROM logs ${where.toSql()}
       GROUP BY substr(timestamp, 1, 10), level ORDER BY substr(timestamp, 1, 10), level`,
      where.params,
    );
    return rows.map((row) => ({ date: row.day, level: LEVEL_NAMES[toNumber(row.level)]!, count: toNumber(row.count) }));
  }

  async deleteByExecution(executionId: string): Promise<number> {
    return this.db.run('DELETE FROM logs WHERE execution_id = ?', [executionId]);
  }

  async purge(criteria: LogPurgeCriteria): Promise<number> {
    const where = new SqlWhere(this.db.dialect).equals('flow_id', criteria.flowId).equals('execution_id', criteria.executionId);
    if (criteria.flowId === undefined) where.namespace('namespace', criteria.namespace);
    else where.equals('namespace', criteria.namespace);
    if (criteria.levels !== undefined && criteria.levels.length > 0) {
      const levels = this.db.dialect.in('level', criteria.levels.map((level) => LEVELS[level]));
      where.add(levels.sql, ...levels.params);
    }
    if (criteria.startDate !== undefined) where.add('timestamp >= ?', normalizeDate(criteria.startDate));
    where.add('timestamp <= ?', normalizeDate(criteria.endDate));
    return this.db.run(`DELETE FROM logs ${where.toSql()}`, where.params);
  }

  async deleteByQuery(deletion: LogDeletion): Promise<number> {
    const where = new SqlWhere(this.db.dialect);
    if ('executionId' in deletion) {
      where.add('execution_id = ?', deletion.executionId).equals('task_id', deletion.taskId).equals('task_run_id', deletion.taskRunId);
      if (deletion.minLevel) where.add('level >= ?', LEVELS[deletion.minLevel]);
      // A number parameter compares equal to the attempt in every dialect's JSON text (PostgreSQL and MySQL cast it).
      if (deletion.attempt !== undefined) where.add(`${this.db.dialect.jsonText('json', 'attemptNumber')} = ?`, deletion.attempt);
    } else {
      where.add('namespace = ?', deletion.namespace).add('flow_id = ?', deletion.flowId);
      if (deletion.triggerId !== undefined) where.add(`${this.db.dialect.jsonText('json', 'triggerId')} = ?`, deletion.triggerId);
    }
    return this.db.run(`DELETE FROM logs ${where.toSql()}`, where.params);
  }
}
