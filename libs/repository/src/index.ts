export * from './ports.js';
export * from './invalid-query-error.js';
export * from './repository-unavailable-error.js';
export * from './sqlite/index.js';
export * from './testing/index.js';
export * from './sql/index.js';
export * from './search/index.js';
