export * from './test-run-context.js';
export * from './recording-http-server.js';
