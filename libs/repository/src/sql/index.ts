export * from './open-sql-repository.js';
