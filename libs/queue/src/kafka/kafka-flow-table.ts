import { setTimeout as wait } from 'node:timers/promises';
import { randomUUID } from 'node:crypto';
import type { Consumer, EachBatchPayload, Producer } from 'kafkajs';
import type { KafkaConnection } from './kafka-connection.js';
import { retryWhileTopicsSettle } from './kafka-worker-job-retry.js';
import type { StoredFlow } from '@osprey/flow-model';

/** How often a catch-up looks at how far the consumer has read. */
const CATCH_UP_POLL_MS = 20;

/** How long opening waits for the topic to be read up to its end before going on with what it has. */
const CATCH_UP_MS = 30_000;

/** Every record goes to partition 0: one order for all flow changes, and a single end offset to catch up to. */
const PARTITION = 0;

function revisionKey(namespace: string, id: string, revision: number): string {
  return `${namespace}\u0000${id}\u0000${revision}`;
}

function flowKey(namespace: string, id: string): string {
  return `${namespace}\u0000${id}`;
}

/**
 * The compacted `<prefix>.flows` topic as an in-memory table: every revision of every flow, keyed
 * `namespace/id/revision` (a deletion rewrites the latest revision's record with `deleted: true`). Writers of
 * flows publish here after the repository; executors read the whole topic with a private consumer group, so
 * deciding an execution never needs the search server (docs/deploy-ha.md, failure behaviour).
 */
export class KafkaFlowTable {
  private readonly revisions = new Map<string, StoredFlow>();
  private readonly latest = new Map<string, StoredFlow>();
  private consumer: Consumer | undefined;
  /** Next offset the consumer reads. */
  private position = 0;
  private changes = 0;

  constructor(
    private readonly connection: KafkaConnection,
    private readonly producer: Producer,
  ) {}

  /** Changes with every record taken in: lets readers cache what they derive from the table. */
  get version(): number {
    return this.changes;
  }

  /** Reads the topic from its start and resolves once every record written before the call is in the table. */
  async start(): Promise<void> {
    const topic = this.connection.topics.flows;
    // A private group per open, never committed: each open reads the whole topic.
    const consumer = this.connection.consumer(this.connection.groupId(`flows.${this.connection.options.instanceId}.${randomUUID().slice(0, 8)}`));
    this.consumer = consumer;
    await consumer.connect();
    await retryWhileTopicsSettle(() => consumer.subscribe({ topics: [topic], fromBeginning: true }));
    consumer.on(consumer.events.END_BATCH_PROCESS, ({ payload }) => this.advance(Number(payload.lastOffset) + 1));
    await consumer.run({ autoCommit: false, eachBatch: (payload) => this.onBatch(payload) });
    await this.catchUp(CATCH_UP_MS);
  }

  async close(): Promise<void> {
    const consumer = this.consumer;
    this.consumer = undefined;
    if (!consumer) return;
    this.connection.forget(consumer);
    await consumer.disconnect();
  }

  /** Writes a flow revision (or, with `deleted`, the deletion of a flow whose latest revision it is). */
  async publish(flow: StoredFlow): Promise<void> {
    await this.producer.send({
      topic: this.connection.topics.flows,
      acks: -1,
      messages: [{ key: revisionKey(flow.namespace, flow.id, flow.revision), value: JSON.stringify(flow), partition: PARTITION }],
    });
  }

  /** A revision (deleted flows' included, as executions of them still end), or the latest revision of a live flow. */
  get(namespace: string, id: string, revision?: number): StoredFlow | undefined {
    if (revision === undefined) {
      const latest = this.latest.get(flowKey(namespace, id));
      return latest && !latest.deleted ? latest : undefined;
    }
    const stored = this.revisions.get(revisionKey(namespace, id, revision));
    return stored && { ...stored, deleted: false };
  }

  /** Whether the table holds any record of this flow (deleted or not). */
  has(namespace: string, id: string): boolean {
    return this.latest.has(flowKey(namespace, id));
  }

  /** The latest revision of every live flow. */
  list(): StoredFlow[] {
    return [...this.latest.values()].filter((flow) => !flow.deleted);
  }

  /** Waits until every record written before the call has been read (bounded by `timeoutMs`); true when it has. */
  async catchUp(timeoutMs: number): Promise<boolean> {
    const admin = await this.connection.admin();
    const offsets = await retryWhileTopicsSettle(() => admin.fetchTopicOffsets(this.connection.topics.flows));
    const partition = offsets.find((entry) => entry.partition === PARTITION);
    const end = partition && Number(partition.high) > Number(partition.low) ? Number(partition.high) : 0;
    const deadline = Date.now() + timeoutMs;
    while (this.position < end) {
      if (Date.now() >= deadline) return false;
      await wait(CATCH_UP_POLL_MS);
    }
    return true;
  }

  private async onBatch({ batch }: EachBatchPayload): Promise<void> {
    for (const message of batch.messages) {
      if (message.value) this.apply(JSON.parse(message.value.toString('utf8')) as StoredFlow);
      this.advance(Number(message.offset) + 1);
    }
  }

  private apply(flow: StoredFlow): void {
    this.revisions.set(revisionKey(flow.namespace, flow.id, flow.revision), flow);
    const key = flowKey(flow.namespace, flow.id);
    const current = this.latest.get(key);
    if (!current || flow.revision >= current.revision) this.latest.set(key, flow);
    this.changes++;
  }

  private advance(next: number): void {
    if (next > this.position) this.position = next;
  }
}
