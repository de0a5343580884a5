export * from './flow/flow.js';
export * from './flow/index.js';
export * from './execution/state.js';
export * from './execution/execution.js';
export * from './execution/task-run-metric.js';
export * from './executor/events.js';
export * from './expression/index.js';
export * from './executor/index.js';
