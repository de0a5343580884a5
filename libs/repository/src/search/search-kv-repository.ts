import type { KvEntry, KvRepository } from '../ports.js';
import type { SearchContext } from './search-context.js';
import { distinctValues } from './search-distinct.js';
import { SearchFilter } from './search-query.js';

interface KvDocument {
  namespace: string;
  key: string;
  value: unknown;
  expiresAtMs?: number;
  updated: string;
}

// Keys per delete-by-query: well under the terms query's limit.
const PURGE_CHUNK = 1000;

function toEntry(doc: KvDocument): KvEntry {
  const entry: KvEntry = { namespace: doc.namespace, key: doc.key, value: doc.value, updated: doc.updated };
  if (doc.expiresAtMs !== undefined) entry.expiresAt = new Date(doc.expiresAtMs).toISOString();
  return entry;
}

function expired(doc: KvDocument, now: number): boolean {
  return doc.expiresAtMs !== undefined && doc.expiresAtMs <= now;
}

/** One document per `namespace/key`. Expired entries are invisible at once and deleted lazily when their namespace is listed. */
export class SearchKvRepository implements KvRepository {
  constructor(private readonly ctx: SearchContext) {}

  async set(namespace: string, key: string, value: unknown, ttlMs?: number): Promise<void> {
    const now = Date.now();
    const doc: KvDocument = { namespace, key, value: value ?? null, updated: new Date(now).toISOString() };
    if (ttlMs !== undefined) doc.expiresAtMs = now + ttlMs;
    // No refresh: `get` is a realtime read, and `list` refreshes the index first (lists are rare, sets are not).
    await this.ctx.client.put(this.ctx.indices.kv, `${namespace}/${key}`, doc, { refresh: false });
  }

  async get(namespace: string, key: string): Promise<KvEntry | null> {
    const stored = await this.ctx.client.get<KvDocument>(this.ctx.indices.kv, `${namespace}/${key}`);
    return stored && !expired(stored.source, Date.now()) ? toEntry(stored.source) : null;
  }

  async list(namespace: string): Promise<KvEntry[]> {
    const { client, indices } = this.ctx;
    const now = Date.now();
    // Housekeeping only: a failed cleanup must not fail the listing, which filters expired entries anyway.
    try {
      await client.deleteByQuery(indices.kv, new SearchFilter().equals('namespace', namespace).range('expiresAtMs', { lte: now }).toQuery(), true);
    } catch (error) {
      this.ctx.onError(error instanceof Error ? error : new Error(String(error)));
      await client.refreshIndex(indices.kv);
    }
    const query = new SearchFilter()
      .equals('namespace', namespace)
      .add({ bool: { should: [{ bool: { must_not: { exists: { field: 'expiresAtMs' } } } }, { range: { expiresAtMs: { gt: now } } }], minimum_should_match: 1 } })
      .toQuery();
    return (await client.searchAll<KvDocument>(indices.kv, query, [{ key: { order: 'asc' } }])).map((hit) => toEntry(hit._source));
  }

  async delete(namespace: string, key: string): Promise<boolean> {
    const { client, indices, refresh } = this.ctx;
    const id = `${namespace}/${key}`;
    const stored = await client.get<KvDocument>(indices.kv, id);
    if (!stored) return false;
    const removed = await client.delete(indices.kv, id, refresh, { ifSeqNo: stored.seqNo, ifPrimaryTerm: stored.primaryTerm });
    return removed && !expired(stored.source, Date.now());
  }

  async namespaces(): Promise<string[]> {
    return distinctValues(this.ctx, this.ctx.indices.kv, 'namespace');
  }


  async listAll(namespace: string): Promise<KvEntry[]> {
    const { client, indices } = this.ctx;
    await client.refreshIndex(indices.kv);
    return (await client.searchAll<KvDocument>(indices.kv, new SearchFilter().equals('namespace', namespace).toQuery(), [{ key: { order: 'asc' } }])).map((hit) => toEntry(hit._source));
  }

  async purge(namespace: string, keys: readonly string[], expiredAt?: Date): Promise<number> {
    const { client, indices, refresh } = this.ctx;
    let deleted = 0;
    for (let start = 0; start < keys.length; start += PURGE_CHUNK) {
      const filter = new SearchFilter().equals('namespace', namespace).oneOf('key', keys.slice(start, start + PURGE_CHUNK));
      if (expiredAt !== undefined) filter.range('expiresAtMs', { lte: expiredAt.getTime() });
      deleted += await client.deleteByQuery(indices.kv, filter.toQuery(), refresh !== false);
    }
    return deleted;
  }
}
