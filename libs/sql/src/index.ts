export * from './sql-dialect.js';
export * from './sql-database.js';
export * from './sql-retry.js';
export * from './sql-unavailable-error.js';
export * from './sql-where.js';
export * from './sql-execution-rows.js';
export * from './sql-repository-migrations.js';
