import type { LogDeletion, LogPurgeCriteria, LogQuery, LogRepository, LogStatsQuery, Page, StoredLogEntry } from '../ports.js';
import { compositeBuckets, daySource } from './search-daily-stats.js';
import type { SearchRefresh } from './search-client.js';
import type { SearchContext } from './search-context.js';
import { SearchBulkError } from './search-bulk-error.js';
import { addSearchFilters, refusingInvalidRegex } from './search-filters.js';
import { SearchFilter, searchPaging } from './search-query.js';
import type { LogEntry, LogLevel } from '@osprey/flow-model';

const LEVELS: Record<LogLevel, number> = { TRACE: 0, DEBUG: 1, INFO: 2, WARN: 3, ERROR: 4 };
const LEVEL_NAMES = Object.keys(LEVELS) as LogLevel[];
const SORTABLE: Record<string, string> = { seq: 'seq', timestamp: 'timestamp', level: 'levelValue' };
/**
 * How late an entry may be indexed behind entries with later timestamps (another Kafka partition the indexer reads
 * behind, a bulk in flight, the index refresh): a follower re-reads this much below the highest `seq` it has seen.
 */
export const LATE_LOG_WINDOW_MS = 60_000;

type LogDocument = LogEntry & { seq: number; levelValue: number };

/** A log entry as the indexer projects it: `id` from the source (a redelivery rewrites the same document). */
export type IndexedLogEntry = LogEntry & { id: string; seq?: number };

let lastMillis = Number.NaN;
let sameMillis = 0;

/**
 * `seq` is the entry's timestamp in milliseconds × 1000 plus a tiebreak (0-999) counting the entries this
 * process wrote in a row with the same millisecond, so a burst of entries stamped alike keeps its order. It
 * sorts logs by time, stays below 2^53, and moves forward with time for a follower's `afterSeq` cursor. A writer
 * that knows a better order (a queue offset) may pass `seq` itself to indexLogs.
 */
export function logSeq(timestamp: string): number {
  const parsed = Date.parse(timestamp);
  const millis = Number.isNaN(parsed) ? Date.now() : parsed;
  sameMillis = millis === lastMillis ? Math.min(sameMillis + 1, 999) : 0;
  lastMillis = millis;
  return millis * 1000 + sameMillis;
}

function toDocument(entry: LogEntry, seq: number): LogDocument {
  return { ...entry, seq, levelValue: LEVELS[entry.level] };
}

export class SearchLogRepository implements LogRepository {
  /** `seq` comes from the entry's timestamp (milliseconds × 1000), not from the order of indexing. */
  readonly lateSeqWindow = LATE_LOG_WINDOW_MS * 1000;

  constructor(private readonly ctx: SearchContext) {}

  /** Writes entries directly (without Kafka, and in tests), with the API's refresh so a search sees them at once. */
  async append(entries: LogEntry[]): Promise<void> {
    await this.write(entries.map((entry) => ({ document: toDocument(entry, logSeq(entry.timestamp)) })), this.ctx.refresh);
  }

  /** Bulk projection of entries with ids from their source: a redelivery overwrites the same documents. */
  async index(entries: readonly IndexedLogEntry[], refresh: SearchRefresh): Promise<void> {
    await this.write(
      entries.map(({ id, seq, ...entry }) => ({ id, document: toDocument(entry, seq ?? logSeq(entry.timestamp)) })),
      refresh,
    );
  }

  private async write(documents: { id?: string; document: LogDocument }[], refresh: SearchRefresh): Promise<void> {
    if (documents.length === 0) return;
    const index = this.ctx.indices.logs;
    const items = await this.ctx.client.bulk(
      documents.map(({ id, document }) => ({ action: 'index', index, ...(id !== undefined ? { id } : {}), document })),
      refresh,
    );
    const failures = items.filter((item) => item.error).map((item) => ({ index, id: item.id, status: item.status, type: item.error!.type, reason: item.error!.reason }));
    if (failures.length > 0) throw new SearchBulkError(failures);
  }

  /** Entries counted per UTC day and level by a composite aggregation: the server counts, no entry is read. */
  async dailyStats(query: LogStatsQuery): Promise<{ date: string; level: LogLevel; count: number }[]> {
    const filter = new SearchFilter();
    // With a flow, its namespace is matched exactly, as for executions (see DailyStatsQuery).
    if (query.flowId !== undefined) filter.equals('namespace', query.namespace);
    else filter.namespace('namespace', query.namespace);
    filter.equals('flowId', query.flowId).range('timestamp', { gte: query.startDate, lte: query.endDate });
    if (query.minLevel) filter.range('levelValue', { gte: LEVELS[query.minLevel] });
    const buckets = await compositeBuckets<{ date: string; level: number }>(this.ctx, this.ctx.indices.logs, filter.toQuery(), [daySource('timestamp'), { level: { terms: { field: 'levelValue' } } }]);
    // Grouped on the level's value so that levels come in their order, as on SQL.
    return buckets.map(({ key, doc_count }) => ({ date: key.date, level: LEVEL_NAMES[key.level]!, count: doc_count }));
  }

  /** Oldest first unless sorted otherwise; pages default to 1000 entries because logs are read in bulk. */
  async search(query: LogQuery): Promise<Page<StoredLogEntry>> {
    const filter = new SearchFilter()
      .namespace('namespace', query.namespace)
      .equals('flowId', query.flowId)
      .equals('executionId', query.executionId)
      .equals('taskRunId', query.taskRunId)
      .equals('taskId', query.taskId)
      .contains(['message'], query.q)
      .range('levelValue', { gte: query.minLevel ? LEVELS[query.minLevel] : undefined })
      .range('timestamp', { gte: query.startDate, lte: query.endDate })
      .range('seq', { gt: query.afterSeq });
    addSearchFilters(filter, 'log', query.filters, {
      text: { namespace: 'namespace', flowId: 'flowId', executionId: 'executionId', triggerId: 'triggerId' },
      query: ['message'],
      date: 'timestamp',
      level: { field: 'levelValue', values: LEVELS },
    });
    const page = searchPaging(query, SORTABLE, [['seq', 'asc']], 'seq', 1000);
    const result = await refusingInvalidRegex(query.filters, () => this.ctx.client.search<LogDocument>(this.ctx.indices.logs, { query: filter.toQuery(), ...page, track_total_hits: true }));
    return {
      total: result.total,
      results: result.hits.map((hit) => {
        const { levelValue: _levelValue, ...entry } = hit._source;
        return { ...entry, id: hit._id };
      }),
    };
  }

  async deleteByExecution(executionId: string): Promise<number> {
    return this.ctx.client.deleteByQuery(this.ctx.indices.logs, { term: { executionId } }, this.ctx.refresh !== false);
  }

  async purge(criteria: LogPurgeCriteria): Promise<number> {
    const filter = new SearchFilter()
      .equals('flowId', criteria.flowId)
      .equals('executionId', criteria.executionId)
      .range('timestamp', { gte: criteria.startDate, lte: criteria.endDate });
    if (criteria.flowId === undefined) filter.namespace('namespace', criteria.namespace);
    else filter.equals('namespace', criteria.namespace);
    if (criteria.levels !== undefined && criteria.levels.length > 0) filter.add({ terms: { levelValue: criteria.levels.map((level) => LEVELS[level]) } });
    return this.ctx.client.deleteByQuery(this.ctx.indices.logs, filter.toQuery(), this.ctx.refresh !== false);
  }

  async deleteByQuery(deletion: LogDeletion): Promise<number> {
    const filter =
      'executionId' in deletion
        ? new SearchFilter()
            .equals('executionId', deletion.executionId)
            .equals('taskId', deletion.taskId)
            .equals('taskRunId', deletion.taskRunId)
            .equals('attemptNumber', deletion.attempt)
            .range('levelValue', { gte: deletion.minLevel ? LEVELS[deletion.minLevel] : undefined })
        : new SearchFilter().equals('namespace', deletion.namespace).equals('flowId', deletion.flowId).equals('triggerId', deletion.triggerId);
    return this.ctx.client.deleteByQuery(this.ctx.indices.logs, filter.toQuery(), this.ctx.refresh !== false);
  }
}
