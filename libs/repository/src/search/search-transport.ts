import { SearchRequestError } from './search-request-error.js';
import { SearchUnavailableError } from './search-unavailable-error.js';

/** One REST call as the repository makes it; the body is JSON, `bulkBody` is sent as NDJSON lines. */
export interface SearchTransportRequest {
  method: string;
  path: string;
  querystring?: Record<string, unknown>;
  body?: unknown;
  bulkBody?: unknown[];
}

export interface SearchTransportOptions {
  /** Statuses returned as answers rather than thrown. */
  ignore?: number[];
  requestTimeout?: number;
  maxRetries?: number;
}

/**
 * The HTTP client of one product under the search repository: opensearch-js for OpenSearch, @elastic/elasticsearch
 * for Elasticsearch (each refuses the other's server). Everything above it (queries, mappings, paging) is shared.
 * Failures are thrown as SearchUnavailableError (unreachable, overloaded) or SearchRequestError (rejected).
 */
export interface SearchTransport {
  readonly product: SearchProduct;
  request<T>(request: SearchTransportRequest, options?: SearchTransportOptions): Promise<{ statusCode: number; body: T }>;
  close(): Promise<void>;
}

export type SearchProduct = 'opensearch' | 'elasticsearch';

/** How each product's client is opened (one node's URL or several of the same cluster). */
export interface SearchTransportConfig {
  url: string | string[];
  username?: string;
  password?: string;
  requestTimeoutMs: number;
  maxRetries: number;
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

/** The error classes both clients export under the same names (opensearch-js forked the Elasticsearch client). */
export interface ClientErrorClasses {
  ResponseError: abstract new (...args: never[]) => Error & { statusCode?: number; meta: { statusCode?: number | null; body?: unknown } };
  unavailable: readonly (abstract new (...args: never[]) => Error)[];
}

/** A client's failure as a typed error: SearchUnavailableError when retrying later may help, SearchRequestError otherwise. */
export function toSearchError(error: unknown, what: string, classes: ClientErrorClasses): Error {
  if (error instanceof classes.ResponseError) {
    const status = error.statusCode ?? error.meta.statusCode ?? 0;
    const body = error.meta.body as ErrorBody | undefined;
    const detail = typeof body?.error === 'object' ? body.error : undefined;
    const type = detail?.type ?? 'error';
    const reason = (detail && reasonChain(detail)) ?? (typeof body?.error === 'string' ? body.error : error.message);
    if (TRANSIENT.has(status)) return new SearchUnavailableError(`${what}: search server answered ${status} ${type}: ${reason}`, status, { cause: error });
    return new SearchRequestError(status, type, `${what}: ${reason}`, { cause: error });
  }
  if (classes.unavailable.some((kind) => error instanceof kind)) {
    return new SearchUnavailableError(`${what}: search server unreachable: ${(error as Error).message}`, undefined, { cause: error });
  }
  return error instanceof Error ? error : new Error(String(error));
}

/** Opens the transport of `product`, loading only that product's client library. */
export async function openSearchTransport(product: SearchProduct, config: SearchTransportConfig): Promise<SearchTransport> {
  if (product === 'elasticsearch') return (await import('./elasticsearch-transport.js')).openElasticsearchTransport(config);
  return (await import('./opensearch-transport.js')).openOpenSearchTransport(config);
}
