export * from './ports.js';
export * from './storage-uri.js';
export * from './storage-not-found-error.js';
export * from './local/index.js';
