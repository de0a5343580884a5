export * from './queue-fixtures.js';
export * from './execution-event-queue.contract.js';
export * from './worker-job-queue.contract.js';
export * from './broadcast-queue.contract.js';
export * from './executor-store.contract.js';
export * from './sql-queue-suite.js';
