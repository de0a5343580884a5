export * from './flowable-kind.js';
export * from './run-variables.js';
export * from './decide.js';
export * from './retry.js';
export * from './flow-trigger.js';
export * from './trigger-condition.js';
export * from './precondition-window.js';
export * from './public-holiday.js';
