import type { Readable } from 'node:stream';

/**
 * Cuts a stream into buffers of exactly `partSize` bytes (the last one shorter, none for an empty stream),
 * reading only as far ahead as the consumer asks: memory stays at about one part.
 */
export async function* multipartParts(source: Readable, partSize: number): AsyncGenerator<Buffer> {
  let chunks: Buffer[] = [];
  let length = 0;
  for await (const chunk of source) {
    const buffer = typeof chunk === 'string' ? Buffer.from(chunk) : (chunk as Buffer);
    if (buffer.length === 0) continue;
    chunks.push(buffer);
    length += buffer.length;
    while (length >= partSize) {
      const joined = chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks, length);
      const rest = joined.subarray(partSize);
      chunks = rest.length > 0 ? [rest] : [];
      length = rest.length;
      yield joined.subarray(0, partSize);
    }
  }
  if (length > 0) yield chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks, length);
}
