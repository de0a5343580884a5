export * from './deploy-flow.js';
export * from './delete-flow.js';
export * from './set-flow-disabled.js';
export * from './import-flows.js';
export * from './validate-flows.js';
export * from './flow-archive.js';
export * from './yaml-documents.js';
export * from './flow-conflict-error.js';
