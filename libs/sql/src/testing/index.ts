export * from './sql-test-database.js';
