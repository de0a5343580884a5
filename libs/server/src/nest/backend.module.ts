import { Module, type DynamicModule } from '@nestjs/common';
import { STORAGE, type Storage } from '@osprey/storage';
import type { OspreyConfig } from '../config.js';
import { BACKEND_OPTIONS, BACKEND_READINESS, type BackendOptions, type BackendReadiness } from './backend-tokens.js';
import { QUEUE_CONNECTION, QueueModule, type QueueConnection } from './queue.module.js';
import { REPOSITORY_CONNECTION, RepositoryModule, type RepositoryConnection } from './repository.module.js';
import { probeStorage, StorageModule } from './storage.module.js';

/**
 * The three port modules on the adapters the configuration names (`queue.type`, `repository.type`, `storage.type`),
 * global so that every service module injects the port tokens, and their joint readiness (BACKEND_READINESS). Each
 * port module closes what it opened when the application shuts down.
 */
@Module({})
export class BackendModule {
  static forRoot(config: OspreyConfig, options: BackendOptions): DynamicModule {
    return {
      module: BackendModule,
      global: true,
      imports: [StorageModule.forRoot(config), QueueModule.forRoot(config), RepositoryModule.forRoot(config)],
      providers: [
        { provide: BACKEND_OPTIONS, useValue: options },
        {
          provide: BACKEND_READINESS,
          useFactory: (queue: QueueConnection, repository: RepositoryConnection, storage: Storage): BackendReadiness => ({
            async ready() {
              try {
                await queue.ping();
                if (!(await repository.ping())) return false;
                await probeStorage(storage);
                return true;
              } catch {
                return false;
              }
            },
          }),
          inject: [QUEUE_CONNECTION, REPOSITORY_CONNECTION, STORAGE],
        },
      ],
      exports: [BACKEND_OPTIONS, BACKEND_READINESS],
    };
  }
}
