import { openSqlRepository, type SqlRepository } from '../sql/open-sql-repository.js';
import { sqliteUrl } from '../sql/sql-database.js';

export interface SqliteDatabaseOptions {
  /** Milliseconds a writer waits for another process's write lock before SQLITE_BUSY (default 5 s). */
  busyTimeoutMs?: number;
}

/** The repository on one SQLite file: the SQL family's implementation with its SQLite dialect. */
export type SqliteRepository = SqlRepository;

/** Opens (and creates, and migrates) the file; the queue and other processes may open the same file. */
export async function openSqliteRepository(file: string, options: SqliteDatabaseOptions = {}): Promise<SqliteRepository> {
  return openSqlRepository({ url: sqliteUrl(file), ...options });
}
