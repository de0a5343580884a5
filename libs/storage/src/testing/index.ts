export * from './storage.contract.js';
