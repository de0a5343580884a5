import type { KvEntry, KvRepository } from '../ports.js';
import { type SqlDatabase, toNumber } from '@osprey/sql';

interface KvRow {
  namespace: string;
  kv_key: string;
  value: string;
  expires_at: unknown;
  updated: string;
}

// Keys deleted per statement: well under every dialect's bound-parameter limit.
const PURGE_CHUNK = 500;

function toEntry(row: KvRow): KvEntry {
  const entry: KvEntry = { namespace: row.namespace, key: row.kv_key, value: JSON.parse(row.value), updated: row.updated };
  if (row.expires_at !== null && row.expires_at !== undefined) entry.expiresAt = new Date(toNumber(row.expires_at)).toISOString();
  return entry;
}

/** Expired entries are invisible at once and deleted lazily when their namespace is touched. */
export class SqlKvRepository implements KvRepository {
  constructor(private readonly db: SqlDatabase) {}

  async set(namespace: string, key: string, value: unknown, ttlMs?: number): Promise<void> {
    const now = Date.now();
    const upsert = this.db.dialect.upsert(['namespace', 'kv_key'], ['value', 'expires_at', 'updated']);
    await this.db.run(`INSERT INTO kv (namespace, kv_key, value, expires_at, updated) VALUES (?, ?, ?, ?, ?) ${upsert}`, [
      namespace,
      key,
      JSON.stringify(value ?? null),
      ttlMs === undefined ? null : now + ttlMs,
      new Date(now).toISOString(),
    ]);
  }

  async get(namespace: string, key: string): Promise<KvEntry | null> {
    const [row] = await this.db.query<KvRow>('SELECT * FROM kv WHERE namespace = ? AND kv_key = ? AND (expires_at IS NULL OR expires_at > ?)', [namespace, key, Date.now()]);
    return row ? toEntry(row) : null;
  }

  async list(namespace: string): Promise<KvEntry[]> {
    const now = Date.now();
    await this.db.run('DELETE FROM kv WHERE namespace = ? AND expires_at <= ?', [namespace, now]);
    return (await this.db.query<KvRow>('SELECT * FROM kv WHERE namespace = ? AND (expires_at IS NULL OR expires_at > ?) ORDER BY kv_key', [namespace, now])).map(toEntry);
  }

  async delete(namespace: string, key: string): Promise<boolean> {
    const now = Date.now();
    const deleted = (await this.db.run('DELETE FROM kv WHERE namespace = ? AND kv_key = ? AND (expires_at IS NULL OR expires_at > ?)', [namespace, key, now])) > 0;
    await this.db.run('DELETE FROM kv WHERE namespace = ? AND expires_at <= ?', [namespace, now]);
    return deleted;
  }

  async namespaces(): Promise<string[]> {
    return (await this.db.query<{ namespace: string }>('SELECT DISTINCT namespace FROM kv ORDER BY namespace')).map((row) => row.namespace);
  }

  async listAll(namespace: string): Promise<KvEntry[]> {
    return (await this.db.query<KvRow>('SELECT * FROM kv WHERE namespace = ? ORDER BY kv_key', [namespace])).map(toEntry);
  }

  async purge(namespace: string, keys: readonly string[], expiredAt?: Date): Promise<number> {
    let deleted = 0;
    for (let start = 0; start < keys.length; start += PURGE_CHUNK) {
      const chunk = keys.slice(start, start + PURGE_CHUNK);
      const expiry = expiredAt === undefined ? '' : ' AND expires_at <= ?';
      deleted += await this.db.run(`DELETE FROM kv WHERE namespace = ? AND kv_key IN (${chunk.map(() => '?').join(', ')})${expiry}`, [
        namespace,
        ...chunk,
        ...(expiredAt === undefined ? [] : [expiredAt.getTime()]),
      ]);
    }
    return deleted;
  }
}
