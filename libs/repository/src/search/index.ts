export * from './open-search-repository.js';
export * from './search-client.js';
export * from './search-indices.js';
export * from './search-execution-documents.js';
export { logSeq, type IndexedLogEntry } from './search-log-repository.js';
export * from './search-unavailable-error.js';
export * from './search-request-error.js';
export * from './search-bulk-error.js';
export * from './search-transport.js';
