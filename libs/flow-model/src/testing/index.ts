export * from './decide-simulation.js';
export * from './flow-violations.js';
