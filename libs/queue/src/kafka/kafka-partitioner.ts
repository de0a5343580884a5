import { Partitioners, type ICustomPartitioner } from 'kafkajs';

/**
 * The producers' partitioner: Java's (murmur2 of the key), set explicitly so kafkajs does not warn and so
 * `kafkaPartitionOf` (used by consumers to know which partition owns a key) agrees with it.
 */
export const kafkaPartitioner: ICustomPartitioner = Partitioners.DefaultPartitioner;

/** Kafka's murmur2 (the Java client's `Utils.murmur2`), as a signed 32-bit integer. */
export function murmur2(data: Uint8Array): number {
  const m = 0x5bd1e995;
  const length = data.length;
  let h = 0x9747b28c ^ length;
  const whole = length & ~3;
  for (let i = 0; i < whole; i += 4) {
    let k = data[i]! | (data[i + 1]! << 8) | (data[i + 2]! << 16) | (data[i + 3]! << 24);
    k = Math.imul(k, m);
    k ^= k >>> 24;
    k = Math.imul(k, m);
    h = Math.imul(h, m);
    h ^= k;
  }
  const rest = length & 3;
  if (rest === 3) h ^= data[whole + 2]! << 16;
  if (rest >= 2) h ^= data[whole + 1]! << 8;
  if (rest >= 1) {
    h ^= data[whole]!;
    h = Math.imul(h, m);
  }
  h ^= h >>> 13;
  h = Math.imul(h, m);
  h ^= h >>> 15;
  return h | 0;
}

/** The partition a keyed record lands in (what `kafkaPartitioner` picks). */
export function kafkaPartitionOf(key: string, partitions: number): number {
  return (murmur2(Buffer.from(key, 'utf8')) & 0x7fffffff) % partitions;
}
