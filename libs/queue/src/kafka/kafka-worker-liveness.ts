import type { Consumer } from 'kafkajs';
import type { KafkaConnection } from './kafka-connection.js';
import { retryWhileTopicsSettle } from './kafka-worker-job-retry.js';
import { cancelKey, type KafkaLeaseRecord } from './kafka-worker-job-records.js';
import type { KafkaWorkerJobTables } from './kafka-worker-job-tables.js';
import type { KafkaWorkerJobTopics } from './kafka-worker-job-topics.js';
import type { KafkaWorkerJobWriter, OutgoingRecord } from './kafka-worker-job-writer.js';

export interface KafkaWorkerLivenessOptions {
  /** How often the active monitor looks for expired leases (default 1000 ms). */
  intervalMs?: number;
  /** How long a cancellation of queued jobs is kept (default 24 h): jobs still queued after that run anyway. */
  cancelRetentionMs?: number;
  /** How long the heartbeat record of a worker that holds no lease outlives its deadline (default 60 s). */
  heartbeatRetentionMs?: number;
}

/** How long opening waits for the monitor's first group join before going on (the join completes later). */
const JOIN_WAIT_MS = 15_000;

/** The one-partition topic whose consumer group elects the active monitor. */
export const livenessTopic = (prefix: string): string => `${prefix}.worker-liveness`;

/** The time until which a lease holds: its own deadline, or later when its worker's heartbeat lists the job. */
export function leaseDeadline(lease: KafkaLeaseRecord, tables: Pick<KafkaWorkerJobTables, 'heartbeats'>): number {
  const heartbeat = tables.heartbeats.get(lease.workerId);
  const renewed = heartbeat && heartbeat.jobIds.includes(lease.jobId) ? heartbeat.until : 0;
  return Math.max(lease.leaseUntil, renewed);
}

/**
 * Worker liveness: hands the jobs of dead workers out again. Every worker-job queue runs one, but only the
 * member of the `<prefix>.liveness` group that owns the single partition of `<prefix>.worker-liveness` acts, so a
 * job is requeued once; when that process dies, the group gives the partition — and the duty — to another.
 * A lease expires when neither its deadline nor its worker's heartbeat covers it any more; the job goes back to its
 * job topic (`worker-jobs`, or its worker group's) with its delivery count and the lease becomes a tombstone, in one transaction.
 */
export class KafkaWorkerLiveness {
  private active = false;
  private consumer: Consumer | undefined;
  private timer: NodeJS.Timeout | undefined;
  private sweeping: Promise<void> = Promise.resolve();
  private readonly intervalMs: number;
  private readonly cancelRetentionMs: number;
  private readonly heartbeatRetentionMs: number;

  constructor(
    private readonly connection: KafkaConnection,
    private readonly tables: KafkaWorkerJobTables,
    private readonly writer: KafkaWorkerJobWriter,
    /** The partition of a key in a compacted worker topic. */
    private readonly partitionOf: (topic: string, key: string) => number,
    /** Where a requeued job goes: back to its worker group's topic. */
    private readonly jobTopics: Pick<KafkaWorkerJobTopics, 'record' | 'prepare'>,
    options: KafkaWorkerLivenessOptions = {},
  ) {
    this.intervalMs = options.intervalMs ?? 1000;
    this.cancelRetentionMs = options.cancelRetentionMs ?? 24 * 3600_000;
    this.heartbeatRetentionMs = options.heartbeatRetentionMs ?? 60_000;
  }

  /** Whether this process is the one that requeues expired jobs now. */
  get isActive(): boolean {
    return this.active;
  }

  async start(): Promise<void> {
    const topic = livenessTopic(this.connection.options.topicPrefix);
    const admin = await this.connection.admin();
    if (!(await admin.listTopics()).includes(topic)) {
      // waitForLeaders can fail with "does not host this topic-partition" while the new topic settles: retry.
      await retryWhileTopicsSettle(() =>
        admin
          .createTopics({ topics: [{ topic, numPartitions: 1, replicationFactor: this.connection.options.replicationFactor }], waitForLeaders: true })
          .catch((error: unknown) => {
            if (!/already exists/i.test(String((error as Error).message ?? error))) throw error;
          }),
      );
    }
    const consumer = this.connection.consumer(this.connection.groupId('liveness'));
    this.consumer = consumer;
    let joined!: () => void;
    const firstJoin = new Promise<void>((resolve) => (joined = resolve));
    consumer.on(consumer.events.GROUP_JOIN, ({ payload }) => {
      this.active = (payload.memberAssignment[topic] ?? []).length > 0;
      joined();
    });
    // A member that stops or crashes has left the group: it must not act until it joins (and wins) again.
    consumer.on(consumer.events.STOP, () => (this.active = false));
    consumer.on(consumer.events.CRASH, ({ payload }) => {
      this.active = false;
      this.connection.options.onError(payload.error);
    });
    await consumer.connect();
    await retryWhileTopicsSettle(() => consumer.subscribe({ topics: [topic] }));
    await consumer.run({ eachBatch: async () => undefined });
    let giveUp: NodeJS.Timeout | undefined;
    await Promise.race([firstJoin, new Promise((resolve) => (giveUp = setTimeout(resolve, JOIN_WAIT_MS)))]);
    clearTimeout(giveUp);
    this.timer = setInterval(() => {
      this.sweep().catch((error: unknown) => this.connection.options.onError(error));
    }, this.intervalMs);
    this.timer.unref();
  }

  /** Requeues the expired leases now (when active); concurrent calls share the sweeps in order. */
  sweep(): Promise<void> {
    // The chain only orders the sweeps: the previous sweep's failure went to its own caller.
    const next = this.sweeping.catch(() => undefined).then(() => this.sweepOnce());
    this.sweeping = next;
    return next;
  }

  async close(): Promise<void> {
    clearInterval(this.timer);
    this.active = false;
    // Waits for the sweep under way to end, not for its outcome, which its caller (the timer: onError) received.
    await this.sweeping.catch(() => undefined);
    const consumer = this.consumer;
    this.consumer = undefined;
    if (!consumer) return;
    this.connection.forget(consumer);
    await consumer.disconnect();
  }

  private async sweepOnce(): Promise<void> {
    if (!this.active) return;
    const now = Date.now();
    const { topics } = this.connection;
    const records: OutgoingRecord[] = [];
    const tombstones: Array<{ key: string; index: number }> = [];
    const tombstone = (topic: string, key: string) => {
      tombstones.push({ key, index: records.length });
      records.push({ topic, message: { key, value: null, partition: this.partitionOf(topic, key) } });
    };
    const holders = new Set<string>();
    const expired: KafkaLeaseRecord[] = [];
    for (const lease of this.tables.leases.values()) {
      if (leaseDeadline(lease, this.tables) > now) holders.add(lease.workerId);
      else expired.push(lease);
    }
    // The partition counts of the jobs' topics, which this process may not have written to yet.
    await this.jobTopics.prepare(expired.map((lease) => lease.job));
    for (const lease of expired) {
      records.push(this.jobTopics.record(lease.job, lease.deliveries));
      tombstone(topics.workerJobLeases, lease.jobId);
    }
    for (const cancel of this.tables.cancels.values()) {
      if (cancel.at + this.cancelRetentionMs <= now) tombstone(topics.workerJobLeases, cancelKey(cancel.taskRunId));
    }
    for (const heartbeat of this.tables.heartbeats.values()) {
      if (heartbeat.until + this.heartbeatRetentionMs <= now && !holders.has(heartbeat.workerId)) tombstone(topics.workerHeartbeats, heartbeat.workerId);
    }
    if (records.length === 0) return;
    const written = await this.writer.write(records);
    for (const { key, index } of tombstones) this.tables.applyOwn(written[index]!, key, null);
  }
}
