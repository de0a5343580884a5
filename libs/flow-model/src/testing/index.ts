export * from './decide-simulation.js';
