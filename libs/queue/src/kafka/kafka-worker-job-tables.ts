import { setTimeout as wait } from 'node:timers/promises';
import { randomUUID } from 'node:crypto';
import type { Consumer, EachBatchPayload } from 'kafkajs';
import type { KafkaConnection } from './kafka-connection.js';
import { isCancelKey, type KafkaCancelRecord, type KafkaHeartbeatRecord, type KafkaLeaseRecord } from './kafka-worker-job-records.js';
import type { WrittenRecord } from './kafka-worker-job-writer.js';
import { retryWhileTopicsSettle } from './kafka-worker-job-retry.js';

/** How long opening waits for the tables to be read up to the end offsets before going on with what it has. */
const CATCH_UP_MS = 30_000;
/** How often that wait looks at how far the consumer has read. */
const CATCH_UP_POLL_MS = 20;

/**
 * The compacted worker topics as in-memory tables: leases and cancellations (`worker-job-leases`) and worker
 * heartbeats (`worker-heartbeats`). Every process reads them whole with a private consumer group. A process's
 * own writes are applied at once (it knows their offsets), and the consumer's older records for the same key are
 * skipped until it reaches them, so a process always reads its own writes and never sees a stale value come back.
 */
export class KafkaWorkerJobTables {
  readonly leases = new Map<string, KafkaLeaseRecord>();
  /** Cancellations by task run id. */
  readonly cancels = new Map<string, KafkaCancelRecord>();
  readonly heartbeats = new Map<string, KafkaHeartbeatRecord>();
  /** Next offset the consumer reads, per `topic/partition`. */
  private readonly positions = new Map<string, number>();
  /** Offsets of own writes applied ahead of the consumer, per `topic/key`. */
  private readonly aheadOfConsumer = new Map<string, number>();
  private consumer: Consumer | undefined;

  constructor(private readonly connection: KafkaConnection) {}

  async start(): Promise<void> {
    const { workerJobLeases, workerHeartbeats } = this.connection.topics;
    // A private group per open: a reopened process must not share partitions with its dead predecessor.
    const consumer = this.connection.consumer(this.connection.groupId(`worker-tables.${this.connection.options.instanceId}.${randomUUID().slice(0, 8)}`));
    this.consumer = consumer;
    await consumer.connect();
    await retryWhileTopicsSettle(() => consumer.subscribe({ topics: [workerJobLeases, workerHeartbeats], fromBeginning: true }));
    consumer.on(consumer.events.END_BATCH_PROCESS, ({ payload }) => this.advance(payload.topic, payload.partition, Number(payload.lastOffset) + 1));
    await consumer.run({ autoCommit: false, eachBatch: (payload) => this.onBatch(payload) });
    await this.catchUp([workerJobLeases, workerHeartbeats]);
  }

  async close(): Promise<void> {
    const consumer = this.consumer;
    this.consumer = undefined;
    if (!consumer) return;
    this.connection.forget(consumer);
    await consumer.disconnect();
  }

  /** Applies a record this process wrote (and committed) before the consumer reads it back. */
  applyOwn(written: WrittenRecord, key: string, value: string | null): void {
    if (written.offset < 0 || (this.positions.get(`${written.topic}/${written.partition}`) ?? 0) > written.offset) return;
    this.aheadOfConsumer.set(`${written.topic}/${key}`, written.offset);
    this.set(written.topic, key, value);
  }

  private async onBatch({ batch }: EachBatchPayload): Promise<void> {
    for (const message of batch.messages) {
      const offset = Number(message.offset);
      const key = message.key?.toString();
      if (key !== undefined) {
        const tableKey = `${batch.topic}/${key}`;
        const own = this.aheadOfConsumer.get(tableKey);
        if (own === undefined || offset >= own) {
          this.aheadOfConsumer.delete(tableKey);
          this.set(batch.topic, key, message.value ? message.value.toString() : null);
        }
      }
      this.advance(batch.topic, batch.partition, offset + 1);
    }
  }

  private set(topic: string, key: string, value: string | null): void {
    if (topic === this.connection.topics.workerHeartbeats) {
      if (value === null) this.heartbeats.delete(key);
      else this.heartbeats.set(key, JSON.parse(value) as KafkaHeartbeatRecord);
    } else if (isCancelKey(key)) {
      const taskRunId = key.slice('cancel/'.length);
      if (value === null) this.cancels.delete(taskRunId);
      else this.cancels.set(taskRunId, JSON.parse(value) as KafkaCancelRecord);
    } else if (value === null) {
      this.leases.delete(key);
    } else {
      this.leases.set(key, JSON.parse(value) as KafkaLeaseRecord);
    }
  }

  private advance(topic: string, partition: number, next: number): void {
    const key = `${topic}/${partition}`;
    if (next > (this.positions.get(key) ?? 0)) this.positions.set(key, next);
  }

  /** Waits until every record written before the call has been read (bounded: a stuck partition only delays the open). */
  private async catchUp(topics: string[]): Promise<void> {
    const admin = await this.connection.admin();
    const targets: Array<{ key: string; end: number }> = [];
    for (const topic of topics) {
      for (const offsets of await retryWhileTopicsSettle(() => admin.fetchTopicOffsets(topic))) {
        if (Number(offsets.high) > Number(offsets.low)) targets.push({ key: `${topic}/${offsets.partition}`, end: Number(offsets.high) });
      }
    }
    const deadline = Date.now() + CATCH_UP_MS;
    while (targets.some((target) => (this.positions.get(target.key) ?? 0) < target.end) && Date.now() < deadline) {
      await wait(CATCH_UP_POLL_MS);
    }
  }
}
