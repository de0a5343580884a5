import type { SearchContext } from './search-context.js';

const PAGE = 1000;

/** Every distinct value of a keyword field in an index (optionally among the documents `query` matches), paged with a composite aggregation. */
export async function distinctValues(ctx: SearchContext, index: string, field: string, query?: unknown): Promise<string[]> {
  const values: string[] = [];
  let after: unknown;
  for (;;) {
    const result = await ctx.client.search<never>(index, {
      size: 0,
      ...(query ? { query } : {}),
      aggs: { values: { composite: { size: PAGE, sources: [{ value: { terms: { field } } }], ...(after ? { after } : {}) } } },
    });
    const agg = result.aggregations?.values as { buckets: { key: { value: string } }[]; after_key?: unknown } | undefined;
    const buckets = agg?.buckets ?? [];
    values.push(...buckets.map((bucket) => bucket.key.value));
    if (buckets.length < PAGE || !agg?.after_key) return values;
    after = agg.after_key;
  }
}
