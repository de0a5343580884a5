import type { Message, Producer, ProducerBatch, RecordMetadata, TopicMessages } from 'kafkajs';

/** One record to write; with an explicit `message.partition` its offset is reported back. */
export interface OutgoingRecord {
  topic: string;
  message: Message;
}

/** Where a record landed; `offset` is -1 when the partitioner chose the partition. */
export interface WrittenRecord {
  topic: string;
  partition: number;
  offset: number;
}

/** The next offset a consumer group reads in a partition (a consumed record's offset + 1). */
export interface ConsumedOffset {
  topic: string;
  partition: number;
  offset: number;
  /** The group that consumed it; default: the writer's group. */
  groupId?: string;
}

interface BatchSender {
  sendBatch(batch: ProducerBatch): Promise<RecordMetadata[]>;
}

/** Sends records in one request and tells each record's offset (records of one partition get consecutive offsets). */
export async function sendRecords(sender: BatchSender, records: readonly OutgoingRecord[]): Promise<WrittenRecord[]> {
  if (records.length === 0) return [];
  const byTopic = new Map<string, Message[]>();
  for (const record of records) {
    let messages = byTopic.get(record.topic);
    if (!messages) byTopic.set(record.topic, (messages = []));
    messages.push(record.message);
  }
  const topicMessages: TopicMessages[] = [...byTopic].map(([topic, messages]) => ({ topic, messages }));
  const metadata = await sender.sendBatch({ topicMessages, acks: -1 });
  const next = new Map<string, number>();
  for (const entry of metadata) next.set(`${entry.topicName}/${entry.partition}`, Number(entry.baseOffset ?? -1));
  return records.map((record) => {
    const partition = record.message.partition;
    if (partition === undefined) return { topic: record.topic, partition: -1, offset: -1 };
    const key = `${record.topic}/${partition}`;
    const offset = next.get(key) ?? -1;
    if (offset >= 0) next.set(key, offset + 1);
    return { topic: record.topic, partition, offset };
  });
}

interface PendingWrite {
  records: OutgoingRecord[];
  offsets: ConsumedOffset[];
  resolve: (written: WrittenRecord[]) => void;
  reject: (error: unknown) => void;
}

/**
 * Writes of the worker-job queue that must be atomic (lease + consumed offset, result + tombstone, requeue +
 * tombstone), as Kafka transactions of one transactional producer. Writes that arrive while a transaction is
 * open are grouped into the next one, so concurrent workers share commits instead of queueing behind each other.
 */
export class KafkaWorkerJobWriter {
  private pending: PendingWrite[] = [];
  private flushing: Promise<void> | undefined;

  constructor(
    private readonly producer: Producer,
    /** The group whose offsets the transactions commit unless an offset names its own (a worker group's workers). */
    private readonly groupId: string,
  ) {}

  write(records: OutgoingRecord[], offsets: ConsumedOffset[] = []): Promise<WrittenRecord[]> {
    return new Promise((resolve, reject) => {
      this.pending.push({ records, offsets, resolve, reject });
      this.flushing ??= this.flush().finally(() => (this.flushing = undefined));
    });
  }

  /** Resolves when no transaction is open or queued. */
  async idle(): Promise<void> {
    while (this.flushing) await this.flushing;
  }

  private async flush(): Promise<void> {
    while (this.pending.length > 0) {
      const batch = this.pending.splice(0);
      try {
        const written = await this.commit(
          batch.flatMap((write) => write.records),
          batch.flatMap((write) => write.offsets),
        );
        let at = 0;
        for (const write of batch) {
          write.resolve(written.slice(at, at + write.records.length));
          at += write.records.length;
        }
      } catch (error) {
        for (const write of batch) write.reject(error);
      }
    }
  }

  private async commit(records: OutgoingRecord[], offsets: ConsumedOffset[]): Promise<WrittenRecord[]> {
    const transaction = await this.producer.transaction();
    try {
      const written = await sendRecords(transaction, records);
      for (const [consumerGroupId, ofGroup] of byGroup(offsets, this.groupId)) await transaction.sendOffsets({ consumerGroupId, topics: offsetTopics(ofGroup) });
      await transaction.commit();
      return written;
    } catch (error) {
      // Cleanup on a failed commit: its error is what the caller needs; the broker aborts an abandoned transaction itself.
      await transaction.abort().catch(() => undefined);
      throw error;
    }
  }
}

/** Offsets by the consumer group that commits them. */
function byGroup(offsets: readonly ConsumedOffset[], defaultGroup: string): Map<string, ConsumedOffset[]> {
  const groups = new Map<string, ConsumedOffset[]>();
  for (const offset of offsets) {
    const groupId = offset.groupId ?? defaultGroup;
    let ofGroup = groups.get(groupId);
    if (!ofGroup) groups.set(groupId, (ofGroup = []));
    ofGroup.push(offset);
  }
  return groups;
}

/** The highest offset per partition, in the shape `sendOffsets` takes. */
function offsetTopics(offsets: readonly ConsumedOffset[]) {
  const highest = new Map<string, Map<number, number>>();
  for (const { topic, partition, offset } of offsets) {
    let partitions = highest.get(topic);
    if (!partitions) highest.set(topic, (partitions = new Map()));
    partitions.set(partition, Math.max(offset, partitions.get(partition) ?? -1));
  }
  return [...highest].map(([topic, partitions]) => ({
    topic,
    partitions: [...partitions].map(([partition, offset]) => ({ partition, offset: String(offset) })),
  }));
}
