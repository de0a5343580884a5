export * from './config.js';
export * from './logger.js';
export * from './ids.js';
export * from './secrets.js';
export * from './backend.js';
export * from './redis-worker-jobs.js';
