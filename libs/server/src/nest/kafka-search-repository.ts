import pRetry from 'p-retry';
import { BackendUnavailableError } from '@osprey/flow-model';
import type { KafkaFlowTable } from '@osprey/queue/kafka';
import type { FlowRepository, LogRepository, Repository } from '@osprey/repository';
import type { FlowSource, Projection } from '../backend.js';
import { isSearchRepository, type OspreyConfig } from '../config.js';
import type { BackendOptions } from './backend-tokens.js';
import { kafkaClientOptions, type QueueConnection } from './queue.module.js';
import type { RepositoryConnection } from './repository.module.js';

/**
 * Kafka holds the executions (the executor's state store), the worker jobs and the logs; the search server is their
 * projection, written by the indexer, and holds what the API writes itself (flows, triggers, kv, instances).
 * Task logs therefore go to Kafka, so a search outage loses none of them.
 */
export async function openKafkaSearchRepository(config: OspreyConfig, options: BackendOptions, queue: QueueConnection): Promise<RepositoryConnection> {
  const repo = config.repository;
  const kafka = queue.kafka;
  if (!kafka || config.queue.type !== 'kafka' || !isSearchRepository(repo)) {
    // The configuration schema rejects these combinations before any backend is opened.
    throw new Error('invalid backend combination: a search repository goes with a Kafka queue');
  }
  const { openSearchRepository } = await import('@osprey/repository/search');
  const onError = (context: string) => (error: unknown) => options.onError(error, context);
  const search = await whileUnavailable(
    () =>
      openSearchRepository({
        product: repo.type,
        url: repo.url,
        indexPrefix: repo.indexPrefix,
        replicas: repo.replicas,
        username: repo.username,
        password: repo.password,
        requestTimeoutMs: repo.requestTimeoutMs,
        onError: onError(repo.type),
      }),
    repo.startWaitMs,
    onError(repo.type),
  );
  const logs: LogRepository = {
    append: (entries) => kafka.logs.append(entries),
    search: (query) => search.logs.search(query),
    dailyStats: (query) => search.logs.dailyStats(query),
    deleteByExecution: (executionId) => search.logs.deleteByExecution(executionId),
    // The projection is what the API reads: an entry still on its way from Kafka is indexed after the purge.
    purge: (criteria) => search.logs.purge(criteria),
    deleteByQuery: (deletion) => search.logs.deleteByQuery(deletion),
    lateSeqWindow: search.logs.lateSeqWindow,
  };
  let executorFlows: FlowSource = search.flows;
  if (options.executorFlows) {
    try {
      await kafka.flows.start();
    } catch (error) {
      await search.close();
      throw error;
    }
    executorFlows = queueFlowSource(kafka.flows, search.flows, onError('flows topic'));
  }
  const repository: Repository = {
    flows: publishingFlows(search.flows, kafka.flows),
    executions: search.executions,
    taskRuns: search.taskRuns,
    logs,
    triggers: search.triggers,
    kv: search.kv,
    instances: search.instances,
    close: () => search.close(),
  };
  const topicPrefix = config.queue.topicPrefix;
  const projection: Projection = {
    async openFeed(onBatch) {
      const { openKafkaIndexFeed } = await import('@osprey/queue/kafka');
      const client = kafkaClientOptions(config, options);
      return openKafkaIndexFeed({ ...client, instanceId: `${options.instanceId}-indexer`, groupId: `${topicPrefix}.indexer`, onBatch });
    },
    async write(batch) {
      if (batch.executions.length > 0) await search.indexExecutions(batch.executions);
      if (batch.logs.length > 0) await search.indexLogs(batch.logs);
    },
  };
  return { repository, executorFlows, projection, ping: () => search.ping() };
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

/** The waits between attempts to reach the search server at start (repository.startWaitMs): doubling from min to max. */
const SEARCH_START_BACKOFF_MS = { min: 500, max: 5_000 };

/** Retries `open` while the search server cannot be reached, up to `waitMs`; other errors fail at once. */
function whileUnavailable<T>(open: () => Promise<T>, waitMs: number, report: (error: unknown) => void): Promise<T> {
  return pRetry(open, {
    retries: Infinity,
    minTimeout: SEARCH_START_BACKOFF_MS.min,
    maxTimeout: SEARCH_START_BACKOFF_MS.max,
    maxRetryTime: waitMs,
    // Asked only when a retry remains: what is reported is what will be retried.
    shouldRetry: ({ error }) => {
      if (!(error instanceof BackendUnavailableError)) return false;
      report(error);
      return true;
    },
  });
}
