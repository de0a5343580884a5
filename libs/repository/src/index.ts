export * from './ports.js';
export * from './invalid-query-error.js';
export * from './query-filter.js';
export * from './query-filter-match.js';
export * from './page-limits.js';
export * from './log-follower.js';
export * from './repository-unavailable-error.js';
