export * from './repository.contract.js';
export * from './repository-fixtures.js';
export * from './sql-repository-suite.js';
export * from './search-test-node.js';
export * from './search-test-repository.js';
