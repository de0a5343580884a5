import Database from 'better-sqlite3';
import { repositoryMigrations } from './repository-migrations.js';

export type SqliteDatabase = Database.Database;

/** One schema step. Ids are global across libs (`repository-001`, `queue-001`), so each lib migrates its own tables. */
export interface SqliteMigration {
  id: string;
  sql: string;
}

export interface SqliteDatabaseOptions {
  /** Milliseconds a writer waits for another connection's lock before SQLITE_BUSY. */
  busyTimeoutMs?: number;
}

/**
 * Opens (and creates) an Osprey SQLite file shared by the queue and the repository adapters, possibly by several
 * processes at once: WAL so readers never block the writer, a busy timeout so writers queue instead of failing,
 * synchronous=NORMAL (durable at checkpoints, safe against corruption) and the repository schema migrated.
 */
export function openSqliteDatabase(file: string, options: SqliteDatabaseOptions = {}): SqliteDatabase {
  const db = new Database(file);
  try {
    db.pragma(`busy_timeout = ${options.busyTimeoutMs ?? 5000}`);
    db.pragma('journal_mode = WAL');
    db.pragma('synchronous = NORMAL');
    db.pragma('foreign_keys = ON');
    applyMigrations(db, repositoryMigrations);
    return db;
  } catch (error) {
    db.close();
    throw error;
  }
}

/**
 * Applies the missing migrations, each in its own IMMEDIATE transaction that re-checks `schema_migrations`,
 * so two processes opening the same file at once apply every step exactly once.
 */
export function applyMigrations(db: SqliteDatabase, migrations: readonly SqliteMigration[]): void {
  db.exec('CREATE TABLE IF NOT EXISTS schema_migrations (id TEXT PRIMARY KEY, applied_at INTEGER NOT NULL)');
  const applied = db.prepare<[string], { id: string }>('SELECT id FROM schema_migrations WHERE id = ?');
  const record = db.prepare<[string, number]>('INSERT INTO schema_migrations (id, applied_at) VALUES (?, ?)');
  for (const migration of migrations) {
    if (applied.get(migration.id)) continue;
    db.transaction(() => {
      if (applied.get(migration.id)) return;
      db.exec(migration.sql);
      record.run(migration.id, Date.now());
    }).immediate();
  }
}
