export * from './storage.contract.js';
export * from './s3-test-server.js';
