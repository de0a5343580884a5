import { mkdirSync } from 'node:fs';
import type { BroadcastQueue, ExecutionEventQueue, ExecutorStore, WorkerJobQueue } from '@osprey/queue';
import type { KafkaFlowTable, KafkaQueue } from '@osprey/queue/kafka';
import { BackendUnavailableError, type Execution, type LogEntry, type StoredFlow } from '@osprey/flow-model';
import type { FlowRepository, LogRepository, Repository } from '@osprey/repository';
import type { Storage } from '@osprey/storage';
import { openLocalStorage } from '@osprey/storage';
import { dataPath, isSearchRepository, type OspreyConfig } from './config.js';
import { newId } from './ids.js';
import { RelayedExecutorStore, RelayedWorkerJobQueue, WorkerJobRelay } from './redis-worker-jobs.js';

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

/** The four ports, opened on the adapters the configuration names. */
export interface Backend {
  /** Present when the repository is a projection of the queue that the indexer must write (Kafka + OpenSearch). */
  projection?: Projection;
  /**
   * How many executions an executor may decide and commit at once on this backend; absent: the executor's own
   * default. Kafka says 1: a decision in flight when a rebalance moves its partition widens the window in which
   * the previous owner may still commit (docs/deploy-ha.md, known limits).
   */
  executorInFlight?: number;
  events: ExecutionEventQueue;
  jobs: WorkerJobQueue;
  broadcast: BroadcastQueue;
  store: ExecutorStore;
  repository: Repository;
  /**
   * The flows executors decide with: the repository's on SQL; on Kafka, when opened with `executorFlows`, the
   * flows topic held in memory, so that a search-server outage does not hold executions.
   */
  executorFlows: FlowSource;
  storage: Storage;
  /** True once every adapter answered a round trip. */
  ready(): Promise<boolean>;
  close(): Promise<void>;
}

/** A URI no task writes: checking it is a round trip to the storage (a HEAD on S3). */
const READY_PROBE = 'kestra:///.osprey-ready-probe';

// Each adapter family is imported when the configuration names it (below, with `await import`): a process loads
// only its own backend's drivers (no kafkajs on SQLite, no typeorm on Kafka), and starts faster for it.

async function openStorage(config: OspreyConfig): Promise<Storage> {
  const storage = config.storage;
  if (storage.type === 'local') return openLocalStorage(dataPath(config, storage.basePath));
  const { type: _type, ...options } = storage;
  const { openS3Storage } = await import('@osprey/storage/s3');
  return openS3Storage(options);
}

/** Where the adapters report background failures (a lost connection they retry, a failed delivery). */
export interface BackendOptions {
  /** Names the process in Kafka transactional ids and consumer groups; default a random id. */
  instanceId?: string;
  onError?: (error: unknown, context: string) => void;
  /**
   * With worker jobs on Redis: run the relay that moves the jobs the executor commits into the queue backend
   * on to Redis. The processes that run an executor do.
   */
  relayWorkerJobs?: boolean;
  /** The process runs an executor: on Kafka, read the flows topic into memory (`Backend.executorFlows`). */
  executorFlows?: boolean;
}

interface OpenedQueue {
  events: ExecutionEventQueue;
  jobs: WorkerJobQueue;
  broadcast: BroadcastQueue;
  store: ExecutorStore;
  close(): Promise<void>;
}

interface OpenedBackend {
  queue: OpenedQueue;
  repository: Repository;
  executorFlows?: FlowSource;
  projection?: Projection;
  executorInFlight?: number;
  /** A round trip to each server (readiness). */
  ping(): Promise<boolean>;
}

/** SQLite file, or a PostgreSQL / MySQL database (migrated at open, under a lock other processes wait on). */
async function openSqlBackend(config: OspreyConfig): Promise<OpenedBackend> {
  const { openSqliteRepository, openSqlRepository } = await import('@osprey/repository/sql');
  const { openSqliteQueue, openSqlQueue } = await import('@osprey/queue/sql');
  const repo = config.repository;
  const repository =
    repo.type === 'sqlite'
      ? await openSqliteRepository(dataPath(config, repo.path))
      : isSearchRepository(repo)
        ? unreachable('a search repository goes with a Kafka queue')
        : await openSqlRepository({ url: repo.url, poolSize: repo.poolSize, connectTimeoutMs: repo.connectTimeoutMs });
  try {
    const settings = config.queue;
    const queue =
      settings.type === 'sqlite'
        ? await openSqliteQueue(dataPath(config, settings.path))
        : settings.type === 'kafka'
          ? unreachable('a Kafka queue goes with an OpenSearch repository')
          : await openSqlQueue({ url: settings.url, poolSize: settings.poolSize, connectTimeoutMs: settings.connectTimeoutMs, pollMs: settings.pollMs });
    return {
      queue,
      repository,
      async ping() {
        await queue.events.depth();
        await repository.instances.list();
        return true;
      },
    };
  } catch (error) {
    await repository.close();
    throw error;
  }
}

/**
 * Kafka holds the executions (the executor's state store), the worker jobs and the logs; OpenSearch is their
 * projection, written by the indexer, and holds what the API writes itself (flows, triggers, kv, instances).
 * Task logs therefore go to Kafka, so a search outage loses none of them.
 */
async function openKafkaBackend(config: OspreyConfig, options: BackendOptions): Promise<OpenedBackend> {
  const settings = config.queue;
  const repo = config.repository;
  if (settings.type !== 'kafka' || !isSearchRepository(repo)) return unreachable('the Kafka backend needs queue.type kafka and a search repository');
  const { openKafkaIndexFeed, openKafkaQueue } = await import('@osprey/queue/kafka');
  const { openSearchRepository } = await import('@osprey/repository/search');
  const onError = (context: string) => (error: unknown) => options.onError?.(error, context);
  const kafka = {
    brokers: settings.brokers,
    clientId: settings.clientId,
    topicPrefix: settings.topicPrefix,
    partitions: settings.partitions,
    replicationFactor: settings.replicationFactor,
    instanceId: options.instanceId ?? newId(),
    onError: onError('kafka'),
  };
  const search = await whileUnavailable(
    () =>
      openSearchRepository({
        product: repo.type,
        url: repo.url,
        indexPrefix: repo.indexPrefix,
        replicas: repo.replicas,
        username: repo.username,
        password: repo.password,
        onError: onError(repo.type),
      }),
    SEARCH_START_WAIT_MS,
    onError(repo.type),
  );
  let queue: KafkaQueue;
  try {
    queue = await openKafkaQueue(kafka);
  } catch (error) {
    await search.close();
    throw error;
  }
  const logs: LogRepository = {
    append: (entries) => queue.logs.append(entries),
    search: (query) => search.logs.search(query),
    deleteByExecution: (executionId) => search.logs.deleteByExecution(executionId),
    lateSeqWindow: search.logs.lateSeqWindow,
  };
  let executorFlows: FlowSource | undefined;
  if (options.executorFlows) {
    try {
      await queue.flows.start();
    } catch (error) {
      await queue.close();
      await search.close();
      throw error;
    }
    executorFlows = queueFlowSource(queue.flows, search.flows, onError('flows topic'));
  }
  const repository: Repository = {
    flows: publishingFlows(search.flows, queue.flows),
    executions: search.executions,
    taskRuns: search.taskRuns,
    logs,
    triggers: search.triggers,
    kv: search.kv,
    instances: search.instances,
    close: () => search.close(),
  };
  const projection: Projection = {
    openFeed: (onBatch) => openKafkaIndexFeed({ ...kafka, instanceId: `${kafka.instanceId}-indexer`, groupId: `${settings.topicPrefix}.indexer`, onBatch }),
    async write(batch) {
      if (batch.executions.length > 0) await search.indexExecutions(batch.executions);
      if (batch.logs.length > 0) await search.indexLogs(batch.logs);
    },
  };
  return {
    queue,
    repository,
    executorFlows,
    projection,
    executorInFlight: 1,
    async ping() {
      await queue.events.depth();
      return search.ping();
    },
  };
}

/**
 * Flow writes go to the search server (what the API lists and searches), then to the flows topic (what executors
 * decide with). A save whose source is unchanged is published again, which repairs a record a failed send lost.
 */
function publishingFlows(search: FlowRepository, topic: KafkaFlowTable): FlowRepository {
  return {
    get: (namespace, id, revision) => search.get(namespace, id, revision),
    revisions: (namespace, id) => search.revisions(namespace, id),
    list: (namespace) => search.list(namespace),
    search: (query) => search.search(query),
    namespaces: () => search.namespaces(),
    async save(flow, source) {
      const stored = await search.save(flow, source);
      await topic.publish(stored);
      return stored;
    },
    async delete(namespace, id) {
      const latest = await search.get(namespace, id);
      const deleted = await search.delete(namespace, id);
      if (deleted && latest) await topic.publish({ ...latest, deleted: true, updated: new Date().toISOString() });
      return deleted;
    },
  };
}

/** How long a lookup of a flow missing from the topic's table waits for the records written before it. */
const FLOW_CATCH_UP_MS = 5_000;

/**
 * Executors' flows on Kafka: the flows topic's table. A flow it lacks is looked for again once the table has read
 * what was written before the lookup (a flow saved a moment ago), then in the search server (flows saved before
 * the topic existed; copied to it in the background when the search server answers).
 */
function queueFlowSource(table: KafkaFlowTable, search: FlowRepository, onError: (error: unknown) => void): FlowSource {
  void (async () => {
    for (const flow of await search.list()) if (!table.has(flow.namespace, flow.id)) await table.publish(flow);
  })().catch(onError);
  return {
    get version() {
      return table.version;
    },
    async get(namespace, id, revision) {
      const known = table.get(namespace, id, revision);
      if (known) return known;
      if (table.has(namespace, id) && revision === undefined) return null;
      await table.catchUp(FLOW_CATCH_UP_MS);
      return table.get(namespace, id, revision) ?? (revision === undefined && table.has(namespace, id) ? null : search.get(namespace, id, revision));
    },
    list: async () => table.list(),
  };
}

/** How long a service waits at start for an unreachable search server (a restart of it, a rolling upgrade). */
const SEARCH_START_WAIT_MS = 120_000;

/** Retries `open` while the search server cannot be reached, up to `waitMs`; other errors fail at once. */
async function whileUnavailable<T>(open: () => Promise<T>, waitMs: number, report: (error: unknown) => void): Promise<T> {
  const deadline = Date.now() + waitMs;
  for (let delay = 500; ; delay = Math.min(delay * 2, 5_000)) {
    try {
      return await open();
    } catch (error) {
      if (!(error instanceof BackendUnavailableError) || Date.now() + delay > deadline) throw error;
      report(error);
      await new Promise((resolve) => setTimeout(resolve, delay));
    }
  }
}

function unreachable(message: string): never {
  // The configuration schema rejects these combinations before any backend is opened.
  throw new Error(`invalid backend combination: ${message}`);
}

export async function openBackend(config: OspreyConfig, options: BackendOptions = {}): Promise<Backend> {
  mkdirSync(config.dataDir, { recursive: true });
  // Storage first: a wrong bucket or endpoint stops the start before any database is opened.
  const storage = await openStorage(config);
  let opened: OpenedBackend;
  try {
    opened = config.queue.type === 'kafka' ? await openKafkaBackend(config, options) : await openSqlBackend(config);
  } catch (error) {
    await storage.close();
    throw error;
  }
  const { queue, repository } = opened;
  let jobs: WorkerJobQueue & { close?(): Promise<void> } = queue.jobs;
  let store: ExecutorStore = queue.store;
  let relay: WorkerJobRelay | undefined;
  if (config.workerQueue.type === 'redis') {
    try {
      const { openBullmqWorkerJobQueue } = await import('@osprey/queue/redis');
      const redis = await openBullmqWorkerJobQueue({
        url: config.workerQueue.url,
        prefix: config.workerQueue.prefix,
        events: queue.events,
        onError: (error) => options.onError?.(error, 'redis'),
      });
      jobs = new RelayedWorkerJobQueue(redis, queue.jobs);
      if (options.relayWorkerJobs) {
        relay = new WorkerJobRelay(queue.jobs, redis, (error) => options.onError?.(error, 'worker job relay'));
        relay.start();
      }
      store = new RelayedExecutorStore(queue.store, redis, relay);
    } catch (error) {
      await queue.close();
      await repository.close();
      await storage.close();
      throw error;
    }
  }
  return {
    projection: opened.projection,
    executorInFlight: opened.executorInFlight,
    executorFlows: opened.executorFlows ?? repository.flows,
    events: queue.events,
    jobs,
    broadcast: queue.broadcast,
    store,
    repository,
    storage,
    async ready() {
      try {
        if (!(await opened.ping())) return false;
        if (jobs !== queue.jobs) await jobs.depth();
        await storage.exists(READY_PROBE);
        return true;
      } catch {
        return false;
      }
    },
    async close() {
      await relay?.stop();
      if (jobs !== queue.jobs) await jobs.close?.();
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
