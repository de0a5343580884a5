import { applyMigrations, openSqliteDatabase, type SqliteDatabase, type SqliteDatabaseOptions } from '@osprey/repository';
import { queueMigrations } from './queue-migrations.js';
import { SqliteBroadcastQueue } from './sqlite-broadcast-queue.js';
import { SqliteExecutionEventQueue } from './sqlite-execution-event-queue.js';
import { SqliteExecutorStore } from './sqlite-executor-store.js';
import { SqliteWakeup } from './sqlite-wakeup.js';
import { SqliteWorkerJobQueue } from './sqlite-worker-job-queue.js';

export interface SqliteQueueOptions extends SqliteDatabaseOptions {
  /** How often waiters check for commits by other processes (default 25 ms). */
  pollMs?: number;
  /** How often broadcast subscribers poll (default 100 ms). */
  broadcastPollMs?: number;
  /** How long broadcast rows are kept (default 60 s). */
  broadcastRetentionMs?: number;
  onBroadcastHandlerError?: (error: unknown) => void;
}

/** The four queue ports on one SQLite connection; several processes may open the same file. */
export interface SqliteQueue {
  events: SqliteExecutionEventQueue;
  jobs: SqliteWorkerJobQueue;
  broadcast: SqliteBroadcastQueue;
  store: SqliteExecutorStore;
  db: SqliteDatabase;
  close(): Promise<void>;
}

export async function openSqliteQueue(file: string, options: SqliteQueueOptions = {}): Promise<SqliteQueue> {
  const db = openSqliteDatabase(file, options);
  try {
    applyMigrations(db, queueMigrations);
  } catch (error) {
    db.close();
    throw error;
  }
  const wakeup = new SqliteWakeup(file, db, options.pollMs ?? 25);
  const broadcast = new SqliteBroadcastQueue(db, wakeup, {
    pollMs: options.broadcastPollMs ?? 100,
    retentionMs: options.broadcastRetentionMs ?? 60_000,
    onHandlerError: options.onBroadcastHandlerError ?? ((error) => process.emitWarning(error instanceof Error ? error : String(error), 'BroadcastHandlerError')),
  });
  return {
    db,
    events: new SqliteExecutionEventQueue(db, wakeup),
    jobs: new SqliteWorkerJobQueue(db, wakeup),
    broadcast,
    store: new SqliteExecutorStore(db, wakeup),
    close: async () => {
      broadcast.close();
      if (db.open) db.close();
    },
  };
}
