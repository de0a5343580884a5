export * from './ports.js';
export * from './sqlite/index.js';
export * from './sql/index.js';
export * from './kafka/index.js';
export * from './redis/index.js';
