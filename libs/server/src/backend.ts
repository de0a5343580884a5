import { mkdirSync } from 'node:fs';
import type { Execution, LogEntry, StoredFlow } from '@osprey/flow-model';
import { dataPath, isSearchRepository, type OspreyConfig } from './config.js';

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

/** Where executors read the flows they decide with. */
export interface FlowSource {
  get(namespace: string, id: string, revision?: number): Promise<StoredFlow | null>;
  /** The latest revision of every flow that is not deleted. */
  list(): Promise<StoredFlow[]>;
  /** Present when the source is held in memory and kept current by the queue: changes with each flow change. */
  readonly version?: number;
}

/**
 * Brings the databases' schemas up to date and returns the migrations applied (`osprey migrate`).
 * Services also migrate at start, under a lock; this lets operators do it first, e.g. in a deploy job.
 */
export async function migrateBackend(config: OspreyConfig): Promise<string[]> {
  const applied: string[] = [];
  const repo = config.repository;
  // Search indices and Kafka topics are created by the services at start; there is nothing to migrate.
  if (isSearchRepository(repo)) return applied;
  const { migrateSqlRepository, openSqliteRepository } = await import('@osprey/repository/sql');
  const { migrateSqlQueue, openSqliteQueue } = await import('@osprey/queue/sql');
  if (repo.type === 'sqlite') {
    mkdirSync(config.dataDir, { recursive: true });
    // SQLite migrates when opened.
    await (await openSqliteRepository(dataPath(config, repo.path))).close();
    await (await openSqliteQueue(dataPath(config, config.queue.type === 'sqlite' ? config.queue.path : repo.path))).close();
    return applied;
  }
  applied.push(...(await migrateSqlRepository({ url: repo.url, connectTimeoutMs: repo.connectTimeoutMs })));
  const queue = config.queue;
  if (queue.type === 'postgres' || queue.type === 'mysql') applied.push(...(await migrateSqlQueue({ url: queue.url, connectTimeoutMs: queue.connectTimeoutMs })));
  return applied;
}
