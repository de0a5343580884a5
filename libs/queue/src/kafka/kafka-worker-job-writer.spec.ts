import type { Producer, ProducerBatch, RecordMetadata } from 'kafkajs';
import { KafkaWorkerJobWriter, sendRecords } from './kafka-worker-job-writer.js';

/** A sender that appends to in-memory partitions and answers like a broker: one base offset per topic-partition. */
function fakeBroker() {
  const logs = new Map<string, number>();
  const batches: ProducerBatch[] = [];
  return {
    batches,
    async sendBatch(batch: ProducerBatch): Promise<RecordMetadata[]> {
      batches.push(batch);
      const counts = new Map<string, { topicName: string; partition: number; count: number }>();
      for (const { topic, messages } of batch.topicMessages ?? []) {
        for (const message of messages) {
          const partition = message.partition ?? 0;
          const key = `${topic}/${partition}`;
          const entry = counts.get(key) ?? { topicName: topic, partition, count: 0 };
          entry.count++;
          counts.set(key, entry);
        }
      }
      return [...counts].map(([key, { topicName, partition, count }]) => {
        const base = logs.get(key) ?? 0;
        logs.set(key, base + count);
        return { topicName, partition, errorCode: 0, baseOffset: String(base) };
      });
    },
  };
}

describe('sendRecords', () => {
  it('tells each record with an explicit partition its offset, and -1 for partitioner-chosen ones', async () => {
    const broker = fakeBroker();
    await sendRecords(broker, [{ topic: 'leases', message: { key: 'x', value: '0', partition: 1 } }]);
    const written = await sendRecords(broker, [
      { topic: 'leases', message: { key: 'a', value: '1', partition: 1 } },
      { topic: 'jobs', message: { key: 'j', value: 'job' } },
      { topic: 'leases', message: { key: 'b', value: null, partition: 2 } },
      { topic: 'leases', message: { key: 'c', value: '2', partition: 1 } },
    ]);
    expect(written).toEqual([
      { topic: 'leases', partition: 1, offset: 1 },
      { topic: 'jobs', partition: -1, offset: -1 },
      { topic: 'leases', partition: 2, offset: 0 },
      { topic: 'leases', partition: 1, offset: 2 },
    ]);
    // One request, the records of a topic together and in their order.
    expect(broker.batches[1]!.topicMessages!.map((t) => [t.topic, t.messages.map((m) => m.key)])).toEqual([
      ['leases', ['a', 'b', 'c']],
      ['jobs', ['j']],
    ]);
  });

  it('sends nothing for no records', async () => {
    const broker = fakeBroker();
    expect(await sendRecords(broker, [])).toEqual([]);
    expect(broker.batches).toEqual([]);
  });
});

describe('KafkaWorkerJobWriter', () => {
  /** A transactional producer that records what each transaction sent and committed. */
  function fakeTransactionalProducer() {
    const broker = fakeBroker();
    const transactions: Array<{ offsets: Array<{ consumerGroupId: string; topics: unknown }>; committed: boolean }> = [];
    const producer = {
      async transaction() {
        const transaction = { offsets: [] as Array<{ consumerGroupId: string; topics: unknown }>, committed: false };
        transactions.push(transaction);
        return {
          sendBatch: (batch: ProducerBatch) => broker.sendBatch(batch),
          async sendOffsets(offsets: { consumerGroupId: string; topics: unknown }) {
            transaction.offsets.push(offsets);
          },
          async commit() {
            transaction.committed = true;
          },
          async abort() {},
        };
      },
    };
    return { producer: producer as unknown as Producer, transactions };
  }

  it("commits each consumed offset for its own group, in the writes' one transaction", async () => {
    const { producer, transactions } = fakeTransactionalProducer();
    const writer = new KafkaWorkerJobWriter(producer, 'p.workers');
    await writer.write(
      [{ topic: 'leases', message: { key: 'a', value: '1', partition: 0 } }],
      [
        { topic: 'p.worker-jobs', partition: 1, offset: 5 },
        { topic: 'p.worker-jobs.gpu', partition: 0, offset: 3, groupId: 'p.workers.gpu' },
        { topic: 'p.worker-jobs.gpu', partition: 0, offset: 4, groupId: 'p.workers.gpu' },
      ],
    );
    expect(transactions).toHaveLength(1);
    expect(transactions[0]!.committed).toBe(true);
    expect(transactions[0]!.offsets).toEqual([
      { consumerGroupId: 'p.workers', topics: [{ topic: 'p.worker-jobs', partitions: [{ partition: 1, offset: '5' }] }] },
      { consumerGroupId: 'p.workers.gpu', topics: [{ topic: 'p.worker-jobs.gpu', partitions: [{ partition: 0, offset: '4' }] }] },
    ]);
  });
});
