import { Inject, Module, type DynamicModule, type OnApplicationShutdown } from '@nestjs/common';
import {
  BROADCAST_QUEUE,
  EXECUTION_EVENT_QUEUE,
  EXECUTOR_STORE,
  WORKER_JOB_QUEUE,
  type BroadcastQueue,
  type ExecutionEventQueue,
  type ExecutorStore,
  type WorkerJobQueue,
} from '@osprey/queue';
import type { KafkaQueue, OpenKafkaQueueOptions } from '@osprey/queue/kafka';
import { STORAGE } from '@osprey/storage';
import { dataPath, type OspreyConfig } from '../config.js';
import { RelayedExecutorStore, RelayedWorkerJobQueue, WorkerJobRelay } from '../redis-worker-jobs.js';
import { BACKEND_OPTIONS, EXECUTOR_IN_FLIGHT, type BackendOptions } from './backend-tokens.js';

/** The opened queue: its four ports, and on Kafka the client the search repository composes with (logs, flows). */
export interface QueueConnection {
  events: ExecutionEventQueue;
  jobs: WorkerJobQueue;
  broadcast: BroadcastQueue;
  store: ExecutorStore;
  /** Kafka only: the queue also holds the logs and the flows topic. */
  kafka?: KafkaQueue;
  /** Kafka says 1 (docs/deploy-ha.md, known limits); absent: the executor's own default. */
  executorInFlight?: number;
  /** A round trip to each queue server (readiness). */
  ping(): Promise<void>;
  close(): Promise<void>;
}

/** Internal to the backend modules: the opened queue, which the search repository composes with on Kafka. */
export const QUEUE_CONNECTION = Symbol('QueueConnection');

/** The Kafka client settings of the configuration; the index feed opens its own client with them. */
export function kafkaClientOptions(config: OspreyConfig, options: BackendOptions): OpenKafkaQueueOptions {
  const settings = config.queue;
  if (settings.type !== 'kafka') throw new Error('invalid backend combination: the Kafka client needs queue.type kafka');
  return {
    brokers: settings.brokers,
    clientId: settings.clientId,
    topicPrefix: settings.topicPrefix,
    partitions: settings.partitions,
    replicationFactor: settings.replicationFactor,
    sessionTimeoutMs: settings.sessionTimeoutMs,
    ssl: settings.ssl,
    ...(settings.saslMechanism && settings.saslUsername && settings.saslPassword
      ? { sasl: { mechanism: settings.saslMechanism, username: settings.saslUsername, password: settings.saslPassword } }
      : {}),
    instanceId: options.instanceId,
    onError: (error) => options.onError(error, 'kafka'),
  };
}

// Each adapter family is imported when the configuration names it (`await import`): a process loads only its own
// backend's drivers (no kafkajs on SQLite, no typeorm on Kafka), and starts faster for it.
async function openQueueAdapter(config: OspreyConfig, options: BackendOptions): Promise<Omit<QueueConnection, 'ping'>> {
  const settings = config.queue;
  if (settings.type === 'kafka') {
    const { openKafkaQueue } = await import('@osprey/queue/kafka');
    const kafka = await openKafkaQueue(kafkaClientOptions(config, options));
    return { events: kafka.events, jobs: kafka.jobs, broadcast: kafka.broadcast, store: kafka.store, kafka, executorInFlight: 1, close: () => kafka.close() };
  }
  const { openSqliteQueue, openSqlQueue } = await import('@osprey/queue/sql');
  return settings.type === 'sqlite'
    ? openSqliteQueue(dataPath(config, settings.path))
    : openSqlQueue({ url: settings.url, poolSize: settings.poolSize, connectTimeoutMs: settings.connectTimeoutMs, pollMs: settings.pollMs });
}

/**
 * Opens the queue `queue.type` names and, with `workerQueue.type: redis`, moves the worker jobs to BullMQ: the
 * executor's commit still writes them to the queue backend (an outbox) and a relay moves them on.
 */
export async function openQueue(config: OspreyConfig, options: BackendOptions): Promise<QueueConnection> {
  const queue = await openQueueAdapter(config, options);
  if (config.workerQueue.type !== 'redis') {
    return { ...queue, ping: async () => void (await queue.events.depth()) };
  }
  try {
    const { openBullmqWorkerJobQueue } = await import('@osprey/queue/redis');
    const redis = await openBullmqWorkerJobQueue({
      url: config.workerQueue.url,
      prefix: config.workerQueue.prefix,
      events: queue.events,
      onError: (error) => options.onError(error, 'redis'),
    });
    const jobs = new RelayedWorkerJobQueue(redis, queue.jobs);
    let relay: WorkerJobRelay | undefined;
    if (options.relayWorkerJobs) {
      relay = new WorkerJobRelay(queue.jobs, redis, (error) => options.onError(error, 'worker job relay'));
      relay.start();
    }
    return {
      ...queue,
      jobs,
      store: new RelayedExecutorStore(queue.store, redis, relay),
      async ping() {
        await queue.events.depth();
        await jobs.depth();
      },
      async close() {
        await relay?.stop();
        await jobs.close();
        await queue.close();
      },
    };
  } catch (error) {
    await queue.close();
    throw error;
  }
}

/**
 * The queue ports (EXECUTION_EVENT_QUEUE, WORKER_JOB_QUEUE, BROADCAST_QUEUE, EXECUTOR_STORE) on the configured
 * adapter. Opened after the storage, so that a wrong bucket or endpoint stops the start before any database is
 * opened; closed when the application shuts down, after the services drained.
 */
@Module({})
export class QueueModule implements OnApplicationShutdown {
  constructor(@Inject(QUEUE_CONNECTION) private readonly queue: QueueConnection) {}

  static forRoot(config: OspreyConfig): DynamicModule {
    return {
      module: QueueModule,
      global: true,
      providers: [
        { provide: QUEUE_CONNECTION, useFactory: async (options: BackendOptions) => options.opened.add('queue', await openQueue(config, options)), inject: [BACKEND_OPTIONS, STORAGE] },
        { provide: EXECUTION_EVENT_QUEUE, useFactory: (queue: QueueConnection) => queue.events, inject: [QUEUE_CONNECTION] },
        { provide: WORKER_JOB_QUEUE, useFactory: (queue: QueueConnection) => queue.jobs, inject: [QUEUE_CONNECTION] },
        { provide: BROADCAST_QUEUE, useFactory: (queue: QueueConnection) => queue.broadcast, inject: [QUEUE_CONNECTION] },
        { provide: EXECUTOR_STORE, useFactory: (queue: QueueConnection) => queue.store, inject: [QUEUE_CONNECTION] },
        { provide: EXECUTOR_IN_FLIGHT, useFactory: (queue: QueueConnection) => queue.executorInFlight ?? null, inject: [QUEUE_CONNECTION] },
      ],
      exports: [QUEUE_CONNECTION, EXECUTION_EVENT_QUEUE, WORKER_JOB_QUEUE, BROADCAST_QUEUE, EXECUTOR_STORE, EXECUTOR_IN_FLIGHT],
    };
  }

  async onApplicationShutdown(): Promise<void> {
    await this.queue.close();
  }
}
