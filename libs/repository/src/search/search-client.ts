import { SearchRequestError } from './search-request-error.js';
import type { SearchTransport } from './search-transport.js';

/** `true` refreshes at once, `'wait_for'` waits for the next periodic refresh, `false` leaves it to the interval. */
export type SearchRefresh = boolean | 'wait_for';

export interface SearchHit<T> {
  _id: string;
  _source: T;
  _seq_no?: number;
  _primary_term?: number;
  /** With `version: true`: the document's (external) version. */
  _version?: number;
  sort?: unknown[];
}

/** A document read with the sequence number and primary term that a conditional write must match. */
export interface VersionedDocument<T> {
  id: string;
  source: T;
  seqNo: number;
  primaryTerm: number;
}

export interface BulkOperation {
  action: 'index' | 'create' | 'delete';
  index: string;
  id?: string;
  document?: unknown;
  version?: number;
  versionType?: 'external' | 'external_gte';
  ifSeqNo?: number;
  ifPrimaryTerm?: number;
}

export interface BulkItemResult {
  id: string;
  status: number;
  error?: { type: string; reason: string };
}

export interface SearchBody {
  query?: unknown;
  sort?: unknown[];
  size?: number;
  from?: number;
  aggs?: unknown;
  search_after?: unknown[];
  seq_no_primary_term?: boolean;
  version?: boolean;
  track_total_hits?: boolean;
  _source?: unknown;
}

export interface SearchResult<T> {
  total: number;
  hits: SearchHit<T>[];
  aggregations?: Record<string, unknown>;
}

const PAGE = 1000;
/** The deepest hit a plain from/size search may reach (the servers' default `index.max_result_window`). */
const MAX_RESULT_WINDOW = 10_000;

function encode(id: string): string {
  return encodeURIComponent(id);
}

/**
 * The few REST calls the repository makes, over the product's own client (SearchTransport: one code path for
 * OpenSearch's and Elasticsearch's identical endpoints), with failures as typed errors: SearchUnavailableError when
 * the server cannot be reached or is overloaded, SearchRequestError for a request it rejects.
 */
export class SearchClient {
  /** Set once the server has answered that it has no `_delete_by_query` (see `deleteByQuery`). */
  private deleteByQueryMissing = false;

  constructor(readonly transport: SearchTransport) {}

  request<T>(
    method: string,
    path: string,
    options: { querystring?: Record<string, unknown>; body?: unknown; bulkBody?: unknown[]; ignore?: number[]; requestTimeout?: number; maxRetries?: number } = {},
  ): Promise<{ statusCode: number; body: T }> {
    const { querystring, body, bulkBody, ...transportOptions } = options;
    return this.transport.request<T>({ method, path, querystring, body, bulkBody }, transportOptions);
  }

  /** Whether the server answers and its cluster is at least yellow. */
  async ping(timeoutMs = 2_000): Promise<boolean> {
    try {
      const { statusCode } = await this.request('GET', '/_cluster/health', {
        querystring: { wait_for_status: 'yellow', timeout: `${Math.max(1, Math.floor(timeoutMs / 2000))}s` },
        ignore: [408],
        requestTimeout: timeoutMs,
        maxRetries: 0,
      });
      return statusCode === 200;
    } catch {
      return false;
    }
  }

  /** A realtime read (sees every acknowledged write, refreshed or not). */
  async get<T>(index: string, id: string): Promise<VersionedDocument<T> | null> {
    const { statusCode, body } = await this.request<{ found?: boolean; _source: T; _seq_no: number; _primary_term: number }>('GET', `/${index}/_doc/${encode(id)}`, {
      ignore: [404],
    });
    if (statusCode === 404 || !body.found) return null;
    return { id, source: body._source, seqNo: body._seq_no, primaryTerm: body._primary_term };
  }

  /**
   * Writes a whole document. `create` fails when it exists; `ifSeqNo`/`ifPrimaryTerm` when it changed since it was
   * read. Either failure returns 'conflict' rather than throwing: losing such a race is a normal outcome.
   */
  async put(
    index: string,
    id: string,
    document: unknown,
    options: { refresh: SearchRefresh; create?: boolean; ifSeqNo?: number; ifPrimaryTerm?: number },
  ): Promise<'written' | 'conflict'> {
    const querystring: Record<string, unknown> = { refresh: String(options.refresh) };
    if (options.create) querystring.op_type = 'create';
    if (options.ifSeqNo !== undefined) {
      querystring.if_seq_no = options.ifSeqNo;
      querystring.if_primary_term = options.ifPrimaryTerm;
    }
    const { statusCode } = await this.request('PUT', `/${index}/_doc/${encode(id)}`, { querystring, body: document, ignore: [409] });
    return statusCode === 409 ? 'conflict' : 'written';
  }

  /** Deletes one document; false when there was none. */
  async delete(index: string, id: string, refresh: SearchRefresh, condition?: { ifSeqNo: number; ifPrimaryTerm: number }): Promise<boolean> {
    const querystring: Record<string, unknown> = { refresh: String(refresh) };
    if (condition) {
      querystring.if_seq_no = condition.ifSeqNo;
      querystring.if_primary_term = condition.ifPrimaryTerm;
    }
    const { statusCode } = await this.request('DELETE', `/${index}/_doc/${encode(id)}`, { querystring, ignore: [404, 409] });
    return statusCode === 200;
  }

  /**
   * One search. A page beyond the servers' result window (`from + size` over 10,000) is reached with search_after:
   * the sort values of the hit before it are found in steps of sort values only, then the page is read after them.
   * `sort` must end in a unique field, as every paged search's does.
   */
  async search<T>(index: string, body: SearchBody): Promise<SearchResult<T>> {
    const from = body.from ?? 0;
    if (from + (body.size ?? 10) <= MAX_RESULT_WINDOW || !body.sort) return this.searchWindow<T>(index, body);
    let after: unknown[] | undefined;
    for (let skipped = 0; skipped < from; ) {
      const step = Math.min(MAX_RESULT_WINDOW, from - skipped);
      const { hits } = await this.searchWindow<never>(index, { query: body.query, sort: body.sort, size: step, _source: false, track_total_hits: false, ...(after ? { search_after: after } : {}) });
      if (hits.length === 0) break;
      after = hits[hits.length - 1]!.sort;
      skipped += hits.length;
      if (hits.length < step) break;
    }
    const { from: _from, ...rest } = body;
    return this.searchWindow<T>(index, { ...rest, ...(after ? { search_after: after } : {}) });
  }

  private async searchWindow<T>(index: string, body: SearchBody): Promise<SearchResult<T>> {
    const response = await this.request<{ hits: { total?: { value: number } | number; hits: SearchHit<T>[] }; aggregations?: Record<string, unknown> }>(
      'POST',
      `/${index}/_search`,
      { body },
    );
    const total = response.body.hits.total;
    return { total: typeof total === 'number' ? total : (total?.value ?? 0), hits: response.body.hits.hits, aggregations: response.body.aggregations };
  }

  /** Every hit of `query`, in `sort` order (which must end in a unique field), paged with search_after. */
  async searchAll<T>(index: string, query: unknown, sort: unknown[], extra: Pick<SearchBody, 'seq_no_primary_term' | 'version'> = {}): Promise<SearchHit<T>[]> {
    const all: SearchHit<T>[] = [];
    let after: unknown[] | undefined;
    for (;;) {
      const { hits } = await this.search<T>(index, { query, sort, size: PAGE, track_total_hits: false, ...extra, ...(after ? { search_after: after } : {}) });
      all.push(...hits);
      if (hits.length < PAGE) return all;
      after = hits[hits.length - 1]!.sort;
    }
  }

  /** Makes every write to `index` visible to searches. */
  async refreshIndex(index: string): Promise<void> {
    await this.request('POST', `/${index}/_refresh`);
  }

  /**
   * Deletes the matching documents, refreshing first: delete-by-query only sees what a refresh made searchable,
   * and bulk projections are written without one. `refresh` makes the deletion visible to searches at once.
   * A server without `_delete_by_query` (an Elasticsearch node without its reindex module) gets the same
   * deletion as searches and bulk deletes.
   */
  async deleteByQuery(index: string, query: unknown, refresh: boolean): Promise<number> {
    await this.refreshIndex(index);
    if (!this.deleteByQueryMissing) {
      try {
        const { body } = await this.request<{ deleted: number }>('POST', `/${index}/_delete_by_query`, {
          querystring: { refresh: String(refresh), conflicts: 'proceed' },
          body: { query },
        });
        return body.deleted;
      } catch (error) {
        if (!noDeleteByQueryHandler(error)) throw error;
        this.deleteByQueryMissing = true;
      }
    }
    return this.deleteBySearch(index, query, refresh);
  }

  /**
   * Delete-by-query's behaviour from searches and bulk deletes: pages of matching ids, each deleted on the sequence
   * number it was read with (a document changed meanwhile is skipped, as `conflicts=proceed` does), refreshed so
   * that the next page no longer sees them. Stops at a short page, or at a page where every delete lost its race.
   */
  private async deleteBySearch(index: string, query: unknown, refresh: boolean): Promise<number> {
    let deleted = 0;
    for (;;) {
      const { hits } = await this.searchWindow<never>(index, { query, size: PAGE, _source: false, seq_no_primary_term: true, track_total_hits: false });
      if (hits.length === 0) break;
      const last = hits.length < PAGE;
      const items = await this.bulk(
        hits.map((hit) => ({ action: 'delete' as const, index, id: hit._id, ifSeqNo: hit._seq_no, ifPrimaryTerm: hit._primary_term })),
        last ? refresh : true,
      );
      const failed = items.find((item) => item.error && item.status !== 404 && item.status !== 409);
      if (failed) throw new SearchRequestError(failed.status, failed.error!.type, `delete ${index}/${failed.id}: ${failed.error!.reason}`);
      const done = items.filter((item) => item.status === 200).length;
      deleted += done;
      if (last || done === 0) break;
    }
    return deleted;
  }

  /** One bulk request; per-document results in order (409 for a conditional or versioned write that lost). */
  async bulk(operations: readonly BulkOperation[], refresh: SearchRefresh): Promise<BulkItemResult[]> {
    if (operations.length === 0) return [];
    const lines: unknown[] = [];
    for (const op of operations) {
      const meta: Record<string, unknown> = { _index: op.index };
      if (op.id !== undefined) meta._id = op.id;
      if (op.version !== undefined) {
        meta.version = op.version;
        meta.version_type = op.versionType ?? 'external_gte';
      }
      if (op.ifSeqNo !== undefined) {
        meta.if_seq_no = op.ifSeqNo;
        meta.if_primary_term = op.ifPrimaryTerm;
      }
      lines.push({ [op.action]: meta });
      if (op.action !== 'delete') lines.push(op.document);
    }
    const { body } = await this.request<{ items: Record<string, { _id: string; status: number; error?: { type: string; reason: string } }>[] }>('POST', '/_bulk', {
      querystring: { refresh: String(refresh) },
      bulkBody: lines,
    });
    return body.items.map((item) => {
      const result = Object.values(item)[0]!;
      return { id: result._id, status: result.status, ...(result.error ? { error: { type: result.error.type, reason: result.error.reason } } : {}) };
    });
  }

  async close(): Promise<void> {
    await this.transport.close();
  }
}

/** Elasticsearch answers an endpoint of a module it lacks with 400 "no handler found for uri [...]". */
function noDeleteByQueryHandler(error: unknown): boolean {
  return error instanceof SearchRequestError && (error.statusCode === 400 || error.statusCode === 405) && /no handler found for uri \[[^\]]*_delete_by_query/.test(error.reason);
}
