export * from './abort-reasons.js';
export * from './broadcast-consumer.js';
export * from './execution-events-consumer.js';
export * from './index-feed-consumer.js';
export * from './queue-context.js';
export * from './queue-patterns.js';
export * from './queue-transport.js';
export * from './worker-jobs-consumer.js';
