import { Client, errors } from '@opensearch-project/opensearch';
import { SearchRequestError } from './search-request-error.js';
import { SearchUnavailableError } from './search-unavailable-error.js';

/** `true` refreshes at once, `'wait_for'` waits for the next periodic refresh, `false` leaves it to the interval. */
export type SearchRefresh = boolean | 'wait_for';

export interface SearchHit<T> {
  _id: string;
  _source: T;
  _seq_no?: number;
  _primary_term?: number;
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
  track_total_hits?: boolean;
  _source?: unknown;
}

export interface SearchResult<T> {
  total: number;
  hits: SearchHit<T>[];
  aggregations?: Record<string, unknown>;
}

interface ErrorCause {
  type?: string;
  reason?: string;
  caused_by?: ErrorCause;
}

interface ErrorBody {
  error?: (ErrorCause & { root_cause?: ErrorCause[] }) | string;
}

/** The reason with its chain of causes ("template invalid: No handler for type [wildcard]"). */
function reasonChain(cause: ErrorCause): string | undefined {
  const reasons: string[] = [];
  for (let at: ErrorCause | undefined = cause; at && reasons.length < 5; at = at.caused_by) if (at.reason) reasons.push(at.reason);
  return reasons.length > 0 ? reasons.join(': ') : undefined;
}

const TRANSIENT = new Set([429, 502, 503, 504]);
const PAGE = 1000;
/** The deepest hit a plain from/size search may reach (the servers' default `index.max_result_window`). */
const MAX_RESULT_WINDOW = 10_000;

function encode(id: string): string {
  return encodeURIComponent(id);
}

/**
 * The few REST calls the repository makes, over opensearch-js's transport (one code path for OpenSearch and
 * Elasticsearch's identical endpoints), with failures turned into typed errors: SearchUnavailableError when the
 * server cannot be reached or is overloaded, SearchRequestError for a request it rejects.
 */
export class SearchClient {
  constructor(readonly client: Client) {}

  async request<T>(
    method: string,
    path: string,
    options: { querystring?: Record<string, unknown>; body?: unknown; bulkBody?: unknown[]; ignore?: number[]; requestTimeout?: number; maxRetries?: number } = {},
  ): Promise<{ statusCode: number; body: T }> {
    try {
      const response = await this.client.transport.request(
        {
          method,
          path,
          querystring: options.querystring,
          body: options.body as Record<string, unknown> | undefined,
          bulkBody: options.bulkBody as Record<string, unknown>[] | undefined,
        },
        { ignore: options.ignore, requestTimeout: options.requestTimeout, maxRetries: options.maxRetries },
      );
      return { statusCode: response.statusCode ?? 0, body: response.body as T };
    } catch (error) {
      throw toSearchError(error, `${method} ${path}`);
    }
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
  async searchAll<T>(index: string, query: unknown, sort: unknown[], extra: Pick<SearchBody, 'seq_no_primary_term'> = {}): Promise<SearchHit<T>[]> {
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
   */
  async deleteByQuery(index: string, query: unknown, refresh: boolean): Promise<number> {
    await this.refreshIndex(index);
    const { body } = await this.request<{ deleted: number }>('POST', `/${index}/_delete_by_query`, {
      querystring: { refresh: String(refresh), conflicts: 'proceed' },
      body: { query },
    });
    return body.deleted;
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
    await this.client.close();
  }
}

function toSearchError(error: unknown, what: string): Error {
  if (error instanceof errors.ResponseError) {
    const status = error.statusCode ?? error.meta.statusCode ?? 0;
    const body = error.meta.body as ErrorBody | undefined;
    const detail = typeof body?.error === 'object' ? body.error : undefined;
    const type = detail?.type ?? 'error';
    const reason = (detail && reasonChain(detail)) ?? (typeof body?.error === 'string' ? body.error : error.message);
    if (TRANSIENT.has(status)) return new SearchUnavailableError(`${what}: search server answered ${status} ${type}: ${reason}`, status, { cause: error });
    return new SearchRequestError(status, type, `${what}: ${reason}`, { cause: error });
  }
  if (error instanceof errors.ConnectionError || error instanceof errors.TimeoutError || error instanceof errors.NoLivingConnectionsError || error instanceof errors.RequestAbortedError) {
    return new SearchUnavailableError(`${what}: search server unreachable: ${error.message}`, undefined, { cause: error });
  }
  return error instanceof Error ? error : new Error(String(error));
}
