import { sqliteUrl, type SqliteDatabaseOptions } from '@osprey/sql';
import { openSqlQueue, type SqlQueue } from '../sql/open-sql-queue.js';

export interface SqliteQueueOptions extends SqliteDatabaseOptions {
  /** How often waiters check for commits by other processes (default 25 ms). */
  pollMs?: number;
  /** How often broadcast subscribers poll (default 100 ms). */
  broadcastPollMs?: number;
  /** How long broadcast rows are kept (default 60 s). */
  broadcastRetentionMs?: number;
  onBroadcastHandlerError?: (error: unknown) => void;
}

/** The four queue ports on one SQLite file: the SQL family's implementation with its SQLite dialect. */
export type SqliteQueue = SqlQueue;

/** Opens (and creates, and migrates) the file; the repository and other processes may open the same file. */
export async function openSqliteQueue(file: string, options: SqliteQueueOptions = {}): Promise<SqliteQueue> {
  const { onBroadcastHandlerError, ...rest } = options;
  return openSqlQueue({ url: sqliteUrl(file), ...rest, ...(onBroadcastHandlerError ? { onError: onBroadcastHandlerError } : {}) });
}
