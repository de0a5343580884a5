export { openSqliteQueue, type SqliteQueue, type SqliteQueueOptions } from './open-sqlite-queue.js';
export { queueMigrations } from './queue-migrations.js';
export { SqliteBroadcastQueue, type SqliteBroadcastOptions } from './sqlite-broadcast-queue.js';
export { SqliteExecutionEventQueue } from './sqlite-execution-event-queue.js';
export { SqliteExecutorStore } from './sqlite-executor-store.js';
export { SqliteWorkerJobQueue } from './sqlite-worker-job-queue.js';
