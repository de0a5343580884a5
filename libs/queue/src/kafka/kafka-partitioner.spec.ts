import { kafkaPartitioner, kafkaPartitionOf, murmur2 } from './kafka-partitioner.js';

describe('kafkaPartitionOf', () => {
  it('matches the Java client murmur2 on known keys', () => {
    // Values from Kafka's own UtilsTest.testMurmur2.
    expect(murmur2(Buffer.from('21'))).toBe(-973932308);
    expect(murmur2(Buffer.from('foobar'))).toBe(-790332482);
    expect(murmur2(Buffer.from('a-little-bit-long-string'))).toBe(-985981536);
    expect(murmur2(Buffer.from('a-little-bit-longer-string'))).toBe(-1486304829);
    expect(murmur2(Buffer.from('lkjh234lh9fiuh90y23oiuhsafujhadof229phr9h19h89h8'))).toBe(-58897971);
  });

  it('picks the partition the producers pick for every key', () => {
    const partitioner = kafkaPartitioner();
    const partitionMetadata = Array.from({ length: 8 }, (_, i) => ({ partitionId: i, leader: 1, partitionErrorCode: 0, replicas: [1], isr: [1] }));
    const seen = new Set<number>();
    for (let i = 0; i < 500; i++) {
      const key = `execution-${i}-${'x'.repeat(i % 7)}`;
      const partition = kafkaPartitionOf(key, 8);
      seen.add(partition);
      expect(partitioner({ topic: 't', partitionMetadata, message: { key, value: null } })).toBe(partition);
    }
    expect(seen.size).toBe(8);
  });
});
