import type { StateType } from '@osprey/flow-model';
import type { DailyStateCount, DailyStatsQuery } from '../ports.js';
import type { SearchContext } from './search-context.js';
import { NOT_DELETED } from './search-execution-documents.js';
import { SearchFilter } from './search-query.js';

const PAGE = 1000;

/** A day of `field` in UTC, as `YYYY-MM-DD`, for a composite aggregation. */
export function daySource(field: string): Record<string, unknown> {
  return { date: { date_histogram: { field, calendar_interval: '1d', format: 'yyyy-MM-dd', time_zone: 'UTC' } } };
}

/** Every bucket of a composite aggregation over the documents `query` matches, page by page, in key order. */
export async function compositeBuckets<K>(ctx: SearchContext, index: string, query: unknown, sources: Record<string, unknown>[]): Promise<{ key: K; doc_count: number }[]> {
  const buckets: { key: K; doc_count: number }[] = [];
  let after: unknown;
  for (;;) {
    const result = await ctx.client.search<never>(index, { size: 0, query, aggs: { groups: { composite: { size: PAGE, sources, ...(after ? { after } : {}) } } } });
    const agg = result.aggregations?.groups as { buckets: { key: K; doc_count: number }[]; after_key?: unknown } | undefined;
    const page = agg?.buckets ?? [];
    buckets.push(...page);
    if (page.length < PAGE || !agg?.after_key) return buckets;
    after = agg.after_key;
  }
}

/**
 * Counts the execution or task run documents of `index` per UTC day of their start and state (and namespace or
 * flow when grouped so) with a composite aggregation: the server counts, no document is read.
 */
export async function searchDailyStateCounts(ctx: SearchContext, index: string, query: DailyStatsQuery, groupBy?: 'namespace' | 'flow'): Promise<DailyStateCount[]> {
  const filter = new SearchFilter().add(NOT_DELETED);
  // With a flow, its namespace is matched exactly (see DailyStatsQuery).
  if (query.flowId !== undefined) filter.equals('namespace', query.namespace);
  else filter.namespace('namespace', query.namespace);
  filter
    .equals('flowId', query.flowId)
    .oneOf('state', query.state)
    .range('startDate', { gte: query.startDate, lte: query.endDate });
  if (query.flows && query.flows.length > 0) {
    filter.add({ bool: { should: query.flows.map((f) => ({ bool: { filter: [{ term: { namespace: f.namespace } }, { term: { flowId: f.id } }] } })), minimum_should_match: 1 } });
  }
  const keys = groupBy === 'flow' ? ['namespace', 'flowId'] : groupBy === 'namespace' ? ['namespace'] : [];
  const sources = [daySource('startDate'), ...keys.map((field) => ({ [field]: { terms: { field } } })), { state: { terms: { field: 'state' } } }];
  const buckets = await compositeBuckets<{ date: string; state: StateType; namespace?: string; flowId?: string }>(ctx, index, filter.toQuery(), sources);
  return buckets.map(({ key, doc_count }) => ({
    date: key.date,
    state: key.state,
    count: doc_count,
    ...(keys.includes('namespace') ? { namespace: key.namespace } : {}),
    ...(keys.includes('flowId') ? { flowId: key.flowId } : {}),
  }));
}
