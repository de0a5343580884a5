export * from './sqlite-database.js';
export * from './sqlite-execution-rows.js';
export * from './open-sqlite-repository.js';
