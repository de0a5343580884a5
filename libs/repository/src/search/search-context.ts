import type { SearchClient, SearchRefresh } from './search-client.js';
import type { SearchIndexNames } from './search-indices.js';

/** What every entity repository of the search adapter shares. */
export interface SearchContext {
  client: SearchClient;
  indices: SearchIndexNames;
  /** Refresh of the writes the API reads back at once (flows, triggers, kv, instances, deletes, direct log appends). */
  refresh: SearchRefresh;
  /** Failures of housekeeping that must not fail the caller's request (lazy cleanup of expired kv entries). */
  onError: (error: Error) => void;
}

/** Optimistic-concurrency loops give up after this many lost races in a row (then something is wrong). */
export const MAX_CONFLICT_RETRIES = 20;
