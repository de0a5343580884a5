import type { KvEntry, KvRepository } from '../ports.js';
import type { SqliteDatabase } from './sqlite-database.js';

interface KvRow {
  namespace: string;
  key: string;
  value: string;
  expires_at: number | null;
  updated: string;
}

function toEntry(row: KvRow): KvEntry {
  const entry: KvEntry = { namespace: row.namespace, key: row.key, value: JSON.parse(row.value), updated: row.updated };
  if (row.expires_at !== null) entry.expiresAt = new Date(row.expires_at).toISOString();
  return entry;
}

/** Expired entries are invisible at once and deleted lazily when touched. */
export class SqliteKvRepository implements KvRepository {
  private readonly upsert;
  private readonly selectOne;
  private readonly selectAll;
  private readonly deleteOne;
  private readonly purgeExpired;

  constructor(db: SqliteDatabase) {
    this.upsert = db.prepare(`INSERT INTO kv (namespace, key, value, expires_at, updated) VALUES (@namespace, @key, @value, @expiresAt, @updated)
      ON CONFLICT (namespace, key) DO UPDATE SET value = excluded.value, expires_at = excluded.expires_at, updated = excluded.updated`);
    this.selectOne = db.prepare<[string, string, number], KvRow>(
      'SELECT * FROM kv WHERE namespace = ? AND key = ? AND (expires_at IS NULL OR expires_at > ?)',
    );
    this.selectAll = db.prepare<[string, number], KvRow>(
      'SELECT * FROM kv WHERE namespace = ? AND (expires_at IS NULL OR expires_at > ?) ORDER BY key',
    );
    this.deleteOne = db.prepare<[string, string, number]>(
      'DELETE FROM kv WHERE namespace = ? AND key = ? AND (expires_at IS NULL OR expires_at > ?)',
    );
    this.purgeExpired = db.prepare<[string, number]>('DELETE FROM kv WHERE namespace = ? AND expires_at <= ?');
  }

  async set(namespace: string, key: string, value: unknown, ttlMs?: number): Promise<void> {
    const now = Date.now();
    this.upsert.run({
      namespace,
      key,
      value: JSON.stringify(value ?? null),
      expiresAt: ttlMs === undefined ? null : now + ttlMs,
      updated: new Date(now).toISOString(),
    });
  }

  async get(namespace: string, key: string): Promise<KvEntry | null> {
    const row = this.selectOne.get(namespace, key, Date.now());
    return row ? toEntry(row) : null;
  }

  async list(namespace: string): Promise<KvEntry[]> {
    const now = Date.now();
    this.purgeExpired.run(namespace, now);
    return this.selectAll.all(namespace, now).map(toEntry);
  }

  async delete(namespace: string, key: string): Promise<boolean> {
    const now = Date.now();
    const deleted = this.deleteOne.run(namespace, key, now).changes > 0;
    this.purgeExpired.run(namespace, now);
    return deleted;
  }
}
