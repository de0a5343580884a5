export * from './backend-tokens.js';
export { BackendModule } from './backend.module.js';
export { OpenedAdapters } from './opened-adapters.js';
export { QueueModule } from './queue.module.js';
export { RepositoryModule } from './repository.module.js';
export { StorageModule } from './storage.module.js';
