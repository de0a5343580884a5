import type { LogEntry, LogLevel, LogQuery, LogRepository, Page } from '../ports.js';
import type { SqliteDatabase } from './sqlite-database.js';
import { normalizeDate } from './sqlite-execution-repository.js';
import { cachedStatement, escapeLike, paging, SqlWhere } from './sql-query.js';

const LEVELS: Record<LogLevel, number> = { TRACE: 0, DEBUG: 1, INFO: 2, WARN: 3, ERROR: 4 };
const SORTABLE: Record<string, string> = { seq: 'seq', timestamp: 'timestamp', level: 'level' };

/** Logs are append-only rows; `seq` is the cursor a follower passes back as `afterSeq`. */
export class SqliteLogRepository implements LogRepository {
  private readonly insert;
  private readonly deleteExecution;

  constructor(private readonly db: SqliteDatabase) {
    this.insert = db.prepare(`INSERT INTO logs (namespace, flow_id, execution_id, task_id, task_run_id, level, timestamp, message, json)
      VALUES (@namespace, @flowId, @executionId, @taskId, @taskRunId, @level, @timestamp, @message, @json)`);
    this.deleteExecution = db.prepare<[string]>('DELETE FROM logs WHERE execution_id = ?');
  }

  async append(entries: LogEntry[]): Promise<void> {
    if (entries.length === 0) return;
    this.db.transaction(() => {
      for (const entry of entries) {
        this.insert.run({
          namespace: entry.namespace,
          flowId: entry.flowId,
          executionId: entry.executionId,
          taskId: entry.taskId ?? null,
          taskRunId: entry.taskRunId ?? null,
          level: LEVELS[entry.level],
          timestamp: normalizeDate(entry.timestamp),
          message: entry.message,
          json: JSON.stringify(entry),
        });
      }
    }).immediate();
  }

  /** Oldest first unless sorted otherwise; pages default to 1000 entries because logs are read in bulk. */
  async search(query: LogQuery): Promise<Page<LogEntry & { seq: number }>> {
    const where = new SqlWhere()
      .namespace('namespace', query.namespace)
      .equals('flow_id', query.flowId)
      .equals('execution_id', query.executionId)
      .equals('task_run_id', query.taskRunId)
      .equals('task_id', query.taskId);
    if (query.minLevel) where.add('level >= ?', LEVELS[query.minLevel]);
    if (query.q) where.add(`message LIKE ? ESCAPE '\\'`, `%${escapeLike(query.q)}%`);
    if (query.startDate) where.add('timestamp >= ?', normalizeDate(query.startDate));
    if (query.endDate) where.add('timestamp <= ?', normalizeDate(query.endDate));
    if (query.afterSeq !== undefined) where.add('seq > ?', query.afterSeq);
    const page = paging(query, SORTABLE, 'seq ASC', 1000);
    const total = cachedStatement(this.db, `SELECT count(*) FROM logs ${where.toSql()}`).pluck().get(...where.params) as number;
    const rows = cachedStatement(this.db, `SELECT seq, json FROM logs ${where.toSql()} ORDER BY ${page.orderBy} LIMIT ? OFFSET ?`)
      .pluck(false)
      .all(...where.params, page.limit, page.offset) as { seq: number; json: string }[];
    return { total, results: rows.map((row) => ({ ...(JSON.parse(row.json) as LogEntry), seq: row.seq })) };
  }

  async deleteByExecution(executionId: string): Promise<number> {
    return this.deleteExecution.run(executionId).changes;
  }
}
