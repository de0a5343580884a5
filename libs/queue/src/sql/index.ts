export { openSqlQueue, migrateSqlQueue, sqlQueueSchema, type SqlQueue, type SqlQueueOptions } from './open-sql-queue.js';
export { sqlQueueMigrations } from './sql-queue-migrations.js';
export { SqlBroadcastQueue, type SqlBroadcastOptions } from './sql-broadcast-queue.js';
export { SqlExecutionEventQueue } from './sql-execution-event-queue.js';
export { SqlExecutorStore } from './sql-executor-store.js';
export { SqlWorkerJobQueue } from './sql-worker-job-queue.js';
export { ListenWakeup, PollingWakeup, SqliteWakeup, type SqlWakeup, type SqlWakeupTopic } from './sql-wakeup.js';
export * from '../sqlite/index.js';
