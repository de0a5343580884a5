export * from './task-runner.js';
