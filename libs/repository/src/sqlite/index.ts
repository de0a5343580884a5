export * from './open-sqlite-repository.js';
