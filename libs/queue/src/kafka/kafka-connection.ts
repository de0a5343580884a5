import { setTimeout as wait } from 'node:timers/promises';
import { Kafka, logLevel, type Admin, type Consumer, type ConsumerConfig, type ITopicConfig, type LogEntry as KafkaLogEntry, type Producer, type SASLOptions } from 'kafkajs';
import { kafkaPartitioner } from './kafka-partitioner.js';

/** How long creating topics waits for every partition to have a leader, and how often it looks. */
const LEADERS_TIMEOUT_MS = 60_000;
const LEADER_POLL_MS = 100;

/** A pino-like sink for the client's own log lines (WARN and ERROR only). */
export interface KafkaLogger {
  warn(fields: Record<string, unknown>, message: string): void;
  error(fields: Record<string, unknown>, message: string): void;
}

export interface KafkaQueueOptions {
  brokers: string[];
  clientId?: string;
  /** Every topic and consumer group is named `<topicPrefix>.<name>` (default `osprey`). */
  topicPrefix?: string;
  /** Partitions of each keyed topic, created at open when absent (default 8). */
  partitions?: number;
  /** Default 1; use 3 in production. */
  replicationFactor?: number;
  /** Unique per process: names its transactional producer and its private consumer groups. */
  instanceId: string;
  /** Background failures (consumer crashes, failed deliveries); default: a process warning. */
  onError?: (error: unknown) => void;
  /** Receives the client's WARN/ERROR log lines; without it they are dropped (errors, but retried requests', reach `onError`). */
  logger?: KafkaLogger;
  /** Consumer group session timeout (default 10 s): how soon a dead process loses its partitions. */
  sessionTimeoutMs?: number;
  /** Consumer heartbeat interval (default 500 ms, so group joins take about a second). */
  heartbeatIntervalMs?: number;
  /** Longest a fetch waits for new data (default 100 ms): bounds delivery latency. */
  maxWaitTimeMs?: number;
  /** TLS to the brokers, checked against the system's certificate authorities. */
  ssl?: boolean;
  /** SASL authentication of every connection (after TLS when `ssl`). */
  sasl?: KafkaSaslOptions;
}

/** SASL with a user name and password: `plain`, `scram-sha-256` or `scram-sha-512` (kafkajs's own type). */
export type KafkaSaslOptions = Extract<SASLOptions, { username: string }>;

export type ResolvedKafkaQueueOptions = Required<Omit<KafkaQueueOptions, 'clientId' | 'onError' | 'logger' | 'sasl'>> &
  Pick<KafkaQueueOptions, 'logger' | 'sasl'> & { clientId: string; onError: (error: unknown) => void };

/** The queue's topic names under one prefix. */
export interface KafkaTopics {
  /** Executor inbox, key executionId. */
  executionEvents: string;
  /** Compacted executor state store, key executionId, value the whole execution. */
  executions: string;
  /** Worker jobs, key jobId. */
  workerJobs: string;
  /** Compacted, key jobId: lease record or tombstone. */
  workerJobLeases: string;
  /** Compacted, key workerId. */
  workerHeartbeats: string;
  broadcast: string;
  /** Task and execution logs, key executionId. */
  logs: string;
  /** Compacted, one partition, key `namespace/id/revision`: every flow revision, read whole by executors. */
  flows: string;
  /** Compacted executor state, key a triggered flow's window inbox key: its precondition windows (co-partitioned). */
  conditionWindows: string;
}

export function kafkaTopics(prefix: string): KafkaTopics {
  return {
    executionEvents: `${prefix}.execution-events`,
    executions: `${prefix}.executions`,
    workerJobs: `${prefix}.worker-jobs`,
    workerJobLeases: `${prefix}.worker-job-leases`,
    workerHeartbeats: `${prefix}.worker-heartbeats`,
    broadcast: `${prefix}.broadcast`,
    logs: `${prefix}.logs`,
    flows: `${prefix}.flows`,
    conditionWindows: `${prefix}.condition-windows`,
  };
}

export function resolveKafkaQueueOptions(options: KafkaQueueOptions): ResolvedKafkaQueueOptions {
  if (options.brokers.length === 0) throw new Error('Kafka queue: `brokers` is empty');
  if (!options.instanceId) throw new Error('Kafka queue: `instanceId` is required (unique per process)');
  return {
    brokers: options.brokers,
    clientId: options.clientId ?? `osprey-${options.instanceId}`,
    topicPrefix: options.topicPrefix ?? 'osprey',
    partitions: options.partitions ?? 8,
    replicationFactor: options.replicationFactor ?? 1,
    instanceId: options.instanceId,
    // A message, not the error: emitWarning rejects errors of another realm (jest's VM contexts).
    onError: options.onError ?? ((error) => process.emitWarning(String((error as Error)?.stack ?? error), 'KafkaQueueError')),
    logger: options.logger,
    sessionTimeoutMs: options.sessionTimeoutMs ?? 10_000,
    heartbeatIntervalMs: options.heartbeatIntervalMs ?? 500,
    maxWaitTimeMs: options.maxWaitTimeMs ?? 100,
    ssl: options.ssl ?? false,
    sasl: options.sasl,
  };
}

/** Thrown for kafkajs ERROR log lines when no logger is configured, so they reach `onError`. */
export class KafkaClientError extends Error {
  constructor(message: string, readonly fields: Record<string, unknown>) {
    super(message);
    this.name = 'KafkaClientError';
  }
}

/**
 * One Kafka client of the queue: topics, producers, consumers and the admin, all closed together.
 * Shared by every Kafka part of the queue (events, jobs, broadcast, logs) in one process.
 */
export class KafkaConnection {
  readonly kafka: Kafka;
  readonly topics: KafkaTopics;
  readonly options: ResolvedKafkaQueueOptions;
  private readonly producers = new Set<Producer>();
  private readonly consumers = new Set<Consumer>();
  private readonly admins = new Set<Admin>();
  private sharedProducer: Promise<Producer> | undefined;
  private sharedAdmin: Promise<Admin> | undefined;

  constructor(options: KafkaQueueOptions) {
    this.options = resolveKafkaQueueOptions(options);
    this.topics = kafkaTopics(this.options.topicPrefix);
    const { logger, onError } = this.options;
    this.kafka = new Kafka({
      clientId: this.options.clientId,
      brokers: this.options.brokers,
      ssl: this.options.ssl,
      ...(this.options.sasl ? { sasl: this.options.sasl } : {}),
      logLevel: logLevel.WARN,
      // No client-level `retry`: idempotent producers inherit it and lose their guarantees.
      logCreator: () => (entry: KafkaLogEntry) => {
        const { message, ...fields } = entry.log;
        const record = { namespace: entry.namespace, ...fields };
        if (logger) {
          if (entry.level === logLevel.ERROR) logger.error(record, String(message));
          else logger.warn(record, String(message));
        } else if (entry.level === logLevel.ERROR && entry.namespace !== 'Connection') {
          // Connection lines are failed requests that kafkajs retries (stale metadata, rebalances): noise as errors.
          onError(new KafkaClientError(String(message), record));
        }
      },
    });
  }

  /** Creates the client and the queue's topics (when absent). */
  static async open(options: KafkaQueueOptions): Promise<KafkaConnection> {
    const connection = new KafkaConnection(options);
    try {
      await connection.ensureTopics();
      return connection;
    } catch (error) {
      await connection.close();
      throw error;
    }
  }

  /** Consumer group names are per prefix, so test runs with their own prefix never meet. */
  groupId(name: string): string {
    return `${this.options.topicPrefix}.${name}`;
  }

  /** The process's connected admin client (created once). */
  admin(): Promise<Admin> {
    this.sharedAdmin ??= (async () => {
      const admin = this.kafka.admin();
      this.admins.add(admin);
      await admin.connect();
      return admin;
    })();
    return this.sharedAdmin;
  }

  /** The process's shared idempotent producer (created once, connected). */
  producer(): Promise<Producer> {
    this.sharedProducer ??= this.newProducer();
    return this.sharedProducer;
  }

  /** A new idempotent producer: no duplicates on the broker-side retries that follow a leader change. */
  async newProducer(): Promise<Producer> {
    const producer = this.kafka.producer({ idempotent: true, maxInFlightRequests: 1, allowAutoTopicCreation: false, createPartitioner: kafkaPartitioner });
    this.producers.add(producer);
    await producer.connect();
    return producer;
  }

  /** A transactional producer; each process needs its own `transactionalId` (a second one fences the first). */
  async transactionalProducer(transactionalId: string): Promise<Producer> {
    const producer = this.kafka.producer({
      idempotent: true,
      maxInFlightRequests: 1,
      transactionalId,
      allowAutoTopicCreation: false,
      createPartitioner: kafkaPartitioner,
    });
    this.producers.add(producer);
    await producer.connect();
    return producer;
  }

  /** A consumer with the queue's group timings (fast joins, short fetch waits); call `connect()` yourself. */
  consumer(groupId: string, config: Partial<ConsumerConfig> = {}): Consumer {
    const consumer = this.kafka.consumer({
      groupId,
      sessionTimeout: this.options.sessionTimeoutMs,
      rebalanceTimeout: Math.max(this.options.sessionTimeoutMs, 5_000),
      heartbeatInterval: this.options.heartbeatIntervalMs,
      maxWaitTimeInMs: this.options.maxWaitTimeMs,
      allowAutoTopicCreation: false,
      ...config,
    });
    this.consumers.add(consumer);
    return consumer;
  }

  /** Forgets a client closed by its owner (so `close()` does not disconnect it twice). */
  forget(client: Producer | Consumer): void {
    this.producers.delete(client as Producer);
    this.consumers.delete(client as Consumer);
  }

  /** Creates the queue's topics that are missing; compacted topics keep the latest record per key. */
  async ensureTopics(): Promise<void> {
    const admin = await this.admin();
    const existing = new Set(await admin.listTopics());
    const compact = [{ name: 'cleanup.policy', value: 'compact' }];
    const topics: ITopicConfig[] = [
      { topic: this.topics.executionEvents },
      { topic: this.topics.executions, configEntries: compact },
      { topic: this.topics.workerJobs },
      { topic: this.topics.workerJobLeases, configEntries: compact },
      { topic: this.topics.workerHeartbeats, configEntries: compact },
      { topic: this.topics.broadcast },
      { topic: this.topics.logs },
      { topic: this.topics.flows, configEntries: compact, numPartitions: 1 },
      { topic: this.topics.conditionWindows, configEntries: compact },
    ];
    await this.createTopics(topics, existing);
  }

  /**
   * Creates the topics that are missing (partitions and replication from the options unless given) and waits for
   * their leaders. `existing` spares listing the topics again.
   */
  async createTopics(topics: ITopicConfig[], existing?: ReadonlySet<string>): Promise<void> {
    const admin = await this.admin();
    const present = existing ?? new Set(await admin.listTopics());
    const { partitions, replicationFactor } = this.options;
    const missing = topics.filter((topic) => !present.has(topic.topic)).map((topic) => ({ numPartitions: partitions, replicationFactor, ...topic }));
    if (missing.length === 0) return;
    // Another process may create the same topics at the same moment: "already exists" is success.
    await admin.createTopics({ topics: missing, waitForLeaders: false }).catch((error: unknown) => {
      if (!/already exists/i.test(String((error as Error).message ?? error))) throw error;
    });
    await this.waitForLeaders(missing.map((topic) => topic.topic));
  }

  /** kafkajs's own wait fails when the fresh topics' metadata is briefly unknown (a busy broker): poll instead. */
  private async waitForLeaders(topics: string[], timeoutMs = LEADERS_TIMEOUT_MS): Promise<void> {
    const admin = await this.admin();
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      try {
        const metadata = await admin.fetchTopicMetadata({ topics });
        if (metadata.topics.every((topic) => topic.partitions.length > 0 && topic.partitions.every((partition) => partition.leader >= 0))) return;
      } catch (error) {
        if (Date.now() > deadline) throw error;
      }
      if (Date.now() > deadline) throw new Error(`Kafka topics ${topics.join(', ')} have no leaders after ${timeoutMs} ms`);
      await wait(LEADER_POLL_MS);
    }
  }

  /** Deletes every topic and consumer group of the prefix (tests). */
  async deleteTopics(): Promise<void> {
    const admin = await this.admin();
    const prefix = `${this.options.topicPrefix}.`;
    const groups = (await admin.listGroups()).groups.map((g) => g.groupId).filter((id) => id.startsWith(prefix));
    // Test cleanup: a group that still has members cannot be deleted, and the topics below go regardless.
    if (groups.length > 0) await admin.deleteGroups(groups).catch(() => undefined);
    const topics = (await admin.listTopics()).filter((topic) => topic.startsWith(prefix));
    if (topics.length > 0) await admin.deleteTopics({ topics });
  }

  async close(): Promise<void> {
    const clients = [...this.consumers, ...this.producers, ...this.admins];
    this.consumers.clear();
    this.producers.clear();
    this.admins.clear();
    this.sharedProducer = undefined;
    this.sharedAdmin = undefined;
    const results = await Promise.allSettled(clients.map((client) => client.disconnect()));
    for (const result of results) if (result.status === 'rejected') this.options.onError(result.reason);
  }
}
