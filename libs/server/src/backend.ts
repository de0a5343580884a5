import { mkdirSync } from 'node:fs';
import type { BroadcastQueue, ExecutionEventQueue, ExecutorStore, WorkerJobQueue } from '@osprey/queue';
import { migrateSqlQueue, openSqliteQueue, openSqlQueue } from '@osprey/queue';
import type { Execution } from '@osprey/flow-model';
import type { LogEntry, Repository } from '@osprey/repository';
import { migrateSqlRepository, openSqliteRepository, openSqlRepository } from '@osprey/repository';
import type { Storage } from '@osprey/storage';
import { openLocalStorage, openS3Storage } from '@osprey/storage';
import { dataPath, type OspreyConfig } from './config.js';

/** Executions (with their task runs) and logs read from the queue, as the indexer writes them to the search server. */
export interface ProjectionBatch {
  executions: Execution[];
  /** Log entries with an id derived from their place in the queue, so a redelivery rewrites the same document. */
  logs: (LogEntry & { id: string })[];
}

/** A running consumer of the queue topics the indexer projects. */
export interface ProjectionFeed {
  /** Messages not projected yet (the indexer's lag). */
  lag(): Promise<number>;
  close(): Promise<void>;
}

/**
 * Kafka deployments only: the queue holds the executions and logs, the search repository is their projection.
 * `openFeed` consumes the topics at least once (offsets move on only after `onBatch` resolved); `write` is
 * idempotent (document ids from the source, versions never going backwards).
 */
export interface Projection {
  openFeed(onBatch: (batch: ProjectionBatch) => Promise<void>): Promise<ProjectionFeed>;
  write(batch: ProjectionBatch): Promise<void>;
}

/** The four ports, opened on the adapters the configuration names. */
export interface Backend {
  /** Present when the repository is a projection of the queue that the indexer must write (Kafka + OpenSearch). */
  projection?: Projection;
  events: ExecutionEventQueue;
  jobs: WorkerJobQueue;
  broadcast: BroadcastQueue;
  store: ExecutorStore;
  repository: Repository;
  storage: Storage;
  /** True once every adapter answered a round trip. */
  ready(): Promise<boolean>;
  close(): Promise<void>;
}

/** A URI no task writes: checking it is a round trip to the storage (a HEAD on S3). */
const READY_PROBE = 'kestra:///.osprey-ready-probe';

async function openStorage(config: OspreyConfig): Promise<Storage> {
  const storage = config.storage;
  if (storage.type === 'local') return openLocalStorage(dataPath(config, storage.basePath));
  const { type: _type, ...options } = storage;
  return openS3Storage(options);
}

/** SQLite file, or a PostgreSQL / MySQL database (migrated at open, under a lock other processes wait on). */
async function openRepository(config: OspreyConfig): Promise<Repository> {
  const settings = config.repository;
  if (settings.type === 'sqlite') return openSqliteRepository(dataPath(config, settings.path));
  if (settings.type === 'opensearch') throw new Error('the opensearch repository is not available in this build');
  return openSqlRepository({ url: settings.url, poolSize: settings.poolSize, connectTimeoutMs: settings.connectTimeoutMs });
}

async function openQueue(config: OspreyConfig) {
  const settings = config.queue;
  if (settings.type === 'sqlite') return openSqliteQueue(dataPath(config, settings.path));
  if (settings.type === 'kafka') throw new Error('the kafka queue is not available in this build');
  return openSqlQueue({ url: settings.url, poolSize: settings.poolSize, connectTimeoutMs: settings.connectTimeoutMs, pollMs: settings.pollMs });
}

export async function openBackend(config: OspreyConfig): Promise<Backend> {
  mkdirSync(config.dataDir, { recursive: true });
  // Storage first: a wrong bucket or endpoint stops the start before any database is opened.
  const storage = await openStorage(config);
  const repository = await openRepository(config);
  let queue: Awaited<ReturnType<typeof openQueue>>;
  try {
    queue = await openQueue(config);
  } catch (error) {
    await repository.close();
    await storage.close();
    throw error;
  }
  return {
    events: queue.events,
    jobs: queue.jobs,
    broadcast: queue.broadcast,
    store: queue.store,
    repository,
    storage,
    async ready() {
      try {
        await queue.events.depth();
        await repository.instances.list();
        await storage.exists(READY_PROBE);
        return true;
      } catch {
        return false;
      }
    },
    async close() {
      await queue.close();
      await repository.close();
      await storage.close();
    },
  };
}

/**
 * Brings the databases' schemas up to date and returns the migrations applied (`osprey migrate`).
 * Services also migrate at start, under a lock; this lets operators do it first, e.g. in a deploy job.
 */
export async function migrateBackend(config: OspreyConfig): Promise<string[]> {
  const applied: string[] = [];
  const repo = config.repository;
  if (repo.type === 'sqlite') {
    mkdirSync(config.dataDir, { recursive: true });
    // SQLite migrates when opened.
    await (await openSqliteRepository(dataPath(config, repo.path))).close();
    await (await openSqliteQueue(dataPath(config, config.queue.type === 'sqlite' ? config.queue.path : repo.path))).close();
    return applied;
  }
  // Search indices and Kafka topics are created by the services at start; there is nothing to migrate.
  if (repo.type === 'opensearch') return applied;
  applied.push(...(await migrateSqlRepository({ url: repo.url, connectTimeoutMs: repo.connectTimeoutMs })));
  const queue = config.queue;
  if (queue.type === 'postgres' || queue.type === 'mysql') applied.push(...(await migrateSqlQueue({ url: queue.url, connectTimeoutMs: queue.connectTimeoutMs })));
  return applied;
}
