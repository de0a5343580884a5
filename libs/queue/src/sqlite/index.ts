export { openSqliteQueue, type SqliteQueue, type SqliteQueueOptions } from './open-sqlite-queue.js';
