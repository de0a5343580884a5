import type { Batch, Consumer, Producer } from 'kafkajs';
import type { BroadcastMessage, BroadcastQueue } from '../ports.js';
import type { KafkaConnection } from './kafka-connection.js';

interface Subscription {
  handler: (message: BroadcastMessage) => void;
  /** Per partition, the first offset this subscriber sees (the end when it subscribed); unknown until fetched. */
  from: Map<number, number> | undefined;
  /** Messages read before `from` was known, delivered or dropped once it is. */
  held: { partition: number; offset: number; message: BroadcastMessage }[];
}

/**
 * Broadcast on Kafka: every process reads `<prefix>.broadcast` with a group of its own, starting at the end, so
 * each process sees every later message. Messages go to partition 0, so all subscribers see them in one order.
 */
export class KafkaBroadcastQueue implements BroadcastQueue {
  private readonly consumer: Consumer;
  private readonly subscriptions = new Set<Subscription>();
  /** End-offset look-ups of new subscribers: a publish of this process waits for them, so it is seen. */
  private readonly cursors = new Set<Promise<void>>();

  constructor(
    private readonly connection: KafkaConnection,
    private readonly producer: Producer,
    /** Receives exceptions thrown by handlers, which must not stop the delivery to the others. */
    private readonly onHandlerError: (error: unknown) => void = connection.options.onError,
  ) {
    this.consumer = connection.consumer(connection.groupId(`broadcast.${connection.options.instanceId}`));
  }

  /**
   * Joins and waits for the first fetch: a new group starts at the end, resolved by that fetch, so a message
   * published once this resolves is read. Subscribers filter by their own cursor (the end when they subscribed).
   */
  async start(): Promise<void> {
    const { GROUP_JOIN, FETCH } = this.consumer.events;
    let joined = false;
    let fetched!: () => void;
    const ready = new Promise<void>((resolve) => (fetched = resolve));
    this.consumer.on(GROUP_JOIN, () => (joined = true));
    this.consumer.on(FETCH, () => {
      if (joined) fetched();
    });
    await this.consumer.connect();
    await this.consumer.subscribe({ topics: [this.connection.topics.broadcast] });
    await this.consumer.run({ eachBatch: async ({ batch }) => this.deliver(batch) });
    await ready;
  }

  async publish(message: BroadcastMessage): Promise<void> {
    await Promise.all([...this.cursors]);
    await this.producer.send({ topic: this.connection.topics.broadcast, acks: -1, messages: [{ value: JSON.stringify(message), partition: 0 }] });
  }

  subscribe(handler: (message: BroadcastMessage) => void): () => void {
    const subscription: Subscription = { handler, from: undefined, held: [] };
    this.subscriptions.add(subscription);
    const cursor = this.connection
      .admin()
      .then((admin) => admin.fetchTopicOffsets(this.connection.topics.broadcast))
      .then((ends) => {
        subscription.from = new Map(ends.map((e) => [e.partition, Number(e.high)]));
        const held = subscription.held.splice(0);
        for (const { partition, offset, message } of held) this.handle(subscription, partition, offset, message);
      })
      .catch((error: unknown) => this.connection.options.onError(error))
      .finally(() => this.cursors.delete(cursor));
    this.cursors.add(cursor);
    return () => {
      this.subscriptions.delete(subscription);
    };
  }

  async close(): Promise<void> {
    this.subscriptions.clear();
    this.connection.forget(this.consumer);
    await this.consumer.disconnect();
    // The group exists for this process only: drop it rather than leave it to the offsets retention.
    const admin = await this.connection.admin();
    // A group left behind expires with the offsets retention: worth a warning, not a failed close.
    await admin.deleteGroups([this.connection.groupId(`broadcast.${this.connection.options.instanceId}`)]).catch((error: unknown) => this.connection.options.onError(error));
  }

  private deliver(batch: Batch): void {
    for (const raw of batch.messages) {
      if (!raw.value) continue;
      const message = JSON.parse(raw.value.toString('utf8')) as BroadcastMessage;
      for (const subscription of [...this.subscriptions]) this.handle(subscription, batch.partition, Number(raw.offset), message);
    }
  }

  private handle(subscription: Subscription, partition: number, offset: number, message: BroadcastMessage): void {
    if (!this.subscriptions.has(subscription)) return;
    if (!subscription.from) {
      subscription.held.push({ partition, offset, message });
      return;
    }
    if (offset < (subscription.from.get(partition) ?? 0)) return;
    try {
      subscription.handler(message);
    } catch (error) {
      this.onHandlerError(error);
    }
  }
}
