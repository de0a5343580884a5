export * from './repository.contract.js';
