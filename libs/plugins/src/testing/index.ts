export * from './test-run-context.js';
