import { openSqlRepository, type SqlRepository } from '../sql/open-sql-repository.js';
import { sqliteUrl, type SqliteDatabaseOptions } from '@osprey/sql';

/** The repository on one SQLite file: the SQL family's implementation with its SQLite dialect. */
export type SqliteRepository = SqlRepository;

/** Opens (and creates, and migrates) the file; the queue and other processes may open the same file. */
export async function openSqliteRepository(file: string, options: SqliteDatabaseOptions = {}): Promise<SqliteRepository> {
  return openSqlRepository({ url: sqliteUrl(file), ...options });
}
