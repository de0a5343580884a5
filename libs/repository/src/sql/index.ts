export * from './open-sql-repository.js';
export * from '../sqlite/index.js';
