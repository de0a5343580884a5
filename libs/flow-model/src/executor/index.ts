export * from './flowable-kind.js';
export * from './run-variables.js';
export * from './decide.js';
export * from './retry.js';
export * from './flow-trigger.js';
