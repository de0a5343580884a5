export * from './namespace-files.js';
export * from './namespace-name.js';
export * from './kv-value.js';
