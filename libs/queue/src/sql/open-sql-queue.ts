import { SqlBroadcastQueue } from './sql-broadcast-queue.js';
import { SqlExecutionEventQueue } from './sql-execution-event-queue.js';
import { SqlExecutorStore } from './sql-executor-store.js';
import { sqlQueueMigrations } from './sql-queue-migrations.js';
import { ListenWakeup, PollingWakeup, SqliteWakeup, type SqlWakeup } from './sql-wakeup.js';
import { SqlWorkerJobQueue } from './sql-worker-job-queue.js';
import { openSqlDatabase, type SqlDatabase, type SqlDatabaseOptions, sqliteFile, sqlRepositoryMigrations } from '@osprey/sql';

export interface SqlQueueOptions extends SqlDatabaseOptions {
  /** MySQL/MariaDB and SQLite: how often waiting consumers look for writes of other processes (default 50 ms; 25 ms on SQLite, where looking is a counter read). */
  pollMs?: number;
  /** How often broadcast subscribers read without a wake-up (default 100 ms on MySQL and SQLite, 1 s on PostgreSQL). */
  broadcastPollMs?: number;
  /** How long broadcast rows are kept (default 60 s). */
  broadcastRetentionMs?: number;
  onError?: (error: unknown) => void;
}

/** The four queue ports on one PostgreSQL, MySQL/MariaDB or SQLite database (shared with the repository's tables). */
export interface SqlQueue {
  events: SqlExecutionEventQueue;
  jobs: SqlWorkerJobQueue;
  broadcast: SqlBroadcastQueue;
  store: SqlExecutorStore;
  db: SqlDatabase;
  close(): Promise<void>;
}

/** Every table the queue touches: the executor store writes execution and task run rows in its transaction. */
export const sqlQueueSchema = [...sqlRepositoryMigrations, ...sqlQueueMigrations];

export async function openSqlQueue(options: SqlQueueOptions): Promise<SqlQueue> {
  const onError = options.onError ?? ((error: unknown) => process.emitWarning(error instanceof Error ? error : String(error), 'SqlQueueError'));
  const db = await openSqlDatabase(options, sqlQueueSchema);
  let wakeup: SqlWakeup;
  try {
    wakeup = await openWakeup(db, options, onError);
  } catch (error) {
    await db.close();
    throw error;
  }
  const broadcast = new SqlBroadcastQueue(db, wakeup, {
    pollMs: options.broadcastPollMs ?? (db.type === 'postgres' ? 1000 : 100),
    retentionMs: options.broadcastRetentionMs ?? 60_000,
    onHandlerError: onError,
  });
  return {
    db,
    events: new SqlExecutionEventQueue(db, wakeup),
    jobs: new SqlWorkerJobQueue(db, wakeup),
    broadcast,
    store: new SqlExecutorStore(db, wakeup),
    close: async () => {
      await broadcast.close();
      await wakeup.close();
      await db.close();
    },
  };
}

/** LISTEN/NOTIFY on PostgreSQL; SQLite and MySQL have no notifications and look on a timer while consumers wait. */
async function openWakeup(db: SqlDatabase, options: SqlQueueOptions, onError: (error: unknown) => void): Promise<SqlWakeup> {
  if (db.type === 'postgres') return ListenWakeup.open(options.url, onError);
  if (db.type === 'sqlite') return new SqliteWakeup(sqliteFile(options.url), db, options.pollMs ?? 25);
  return new PollingWakeup(options.pollMs ?? 50);
}

/** Brings the queue and repository schema of the database at `options.url` up to date (`osprey migrate`). */
export async function migrateSqlQueue(options: Omit<SqlDatabaseOptions, 'migrate'>): Promise<string[]> {
  const db = await openSqlDatabase({ ...options, migrate: false, poolSize: 2 }, sqlQueueSchema);
  try {
    return await db.migrate();
  } finally {
    await db.close();
  }
}
