import { Inject, Module, type DynamicModule, type OnApplicationShutdown } from '@nestjs/common';
import { REPOSITORY, type Repository } from '@osprey/repository';
import type { FlowSource, Projection } from '../backend.js';
import { dataPath, isSearchRepository, type OspreyConfig } from '../config.js';
import { BACKEND_OPTIONS, EXECUTOR_FLOW_SOURCE, PROJECTION, type BackendOptions } from './backend-tokens.js';
import { QUEUE_CONNECTION, type QueueConnection } from './queue.module.js';

/** The opened repository, with what it gives executors (their flows) and the indexer (the projection, Kafka only). */
export interface RepositoryConnection {
  repository: Repository;
  executorFlows: FlowSource;
  projection?: Projection;
  /** A round trip to the repository's server (readiness). */
  ping(): Promise<boolean>;
}

/** Internal to the backend modules: the opened repository. */
export const REPOSITORY_CONNECTION = Symbol('RepositoryConnection');

/**
 * SQLite file, or a PostgreSQL / MySQL database (migrated at open, under a lock other processes wait on); with a Kafka
 * queue, the search server composed with the queue (openKafkaSearchRepository). Drivers are imported on demand.
 */
export async function openRepository(config: OspreyConfig, options: BackendOptions, queue: QueueConnection): Promise<RepositoryConnection> {
  const repo = config.repository;
  if (isSearchRepository(repo)) {
    const { openKafkaSearchRepository } = await import('./kafka-search-repository.js');
    return openKafkaSearchRepository(config, options, queue);
  }
  const { openSqliteRepository, openSqlRepository } = await import('@osprey/repository/sql');
  const repository =
    repo.type === 'sqlite'
      ? await openSqliteRepository(dataPath(config, repo.path))
      : await openSqlRepository({ url: repo.url, poolSize: repo.poolSize, connectTimeoutMs: repo.connectTimeoutMs });
  return {
    repository,
    executorFlows: repository.flows,
    async ping() {
      await repository.instances.list();
      return true;
    },
  };
}

/**
 * The repository port (REPOSITORY), the executors' flow source (EXECUTOR_FLOW_SOURCE) and, on Kafka, the projection
 * the indexer writes (PROJECTION, null otherwise). Opened after the queue, which it composes with on Kafka; closed
 * when the application shuts down, after the services drained.
 */
@Module({})
export class RepositoryModule implements OnApplicationShutdown {
  constructor(@Inject(REPOSITORY) private readonly repository: Repository) {}

  static forRoot(config: OspreyConfig): DynamicModule {
    return {
      module: RepositoryModule,
      global: true,
      providers: [
        {
          provide: REPOSITORY_CONNECTION,
          useFactory: async (options: BackendOptions, queue: QueueConnection) => {
            const opened = await openRepository(config, options, queue);
            options.opened.add('repository', opened.repository);
            return opened;
          },
          inject: [BACKEND_OPTIONS, QUEUE_CONNECTION],
        },
        { provide: REPOSITORY, useFactory: (opened: RepositoryConnection) => opened.repository, inject: [REPOSITORY_CONNECTION] },
        { provide: EXECUTOR_FLOW_SOURCE, useFactory: (opened: RepositoryConnection) => opened.executorFlows, inject: [REPOSITORY_CONNECTION] },
        { provide: PROJECTION, useFactory: (opened: RepositoryConnection) => opened.projection ?? null, inject: [REPOSITORY_CONNECTION] },
      ],
      exports: [REPOSITORY_CONNECTION, REPOSITORY, EXECUTOR_FLOW_SOURCE, PROJECTION],
    };
  }

  async onApplicationShutdown(): Promise<void> {
    await this.repository.close();
  }
}
