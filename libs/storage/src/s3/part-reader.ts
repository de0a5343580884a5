import type { Readable } from 'node:stream';

/**
 * Reads a stream of unknown length in parts for a multipart upload. Parts are copied into buffers the caller
 * hands in and reuses, so a long upload allocates a fixed few part buffers instead of one per part: the
 * garbage of a new 16 MiB buffer per part is what made memory grow with the file size.
 */
export class PartReader {
  private readonly chunks: AsyncIterator<unknown>;
  private leftover: Buffer | undefined;
  private ended = false;

  constructor(source: Readable) {
    this.chunks = source[Symbol.asyncIterator]();
  }

  /** True once the source is exhausted and nothing is held back. */
  get done(): boolean {
    return this.ended && !this.leftover;
  }

  /** The whole rest of the stream when it is at most `limit` bytes, else undefined (and nothing is lost). */
  async readSmall(limit: number): Promise<Buffer | undefined> {
    const chunks: Buffer[] = [];
    let length = 0;
    for (;;) {
      const chunk = await this.next();
      if (!chunk) return Buffer.concat(chunks, length);
      chunks.push(chunk);
      length += chunk.length;
      if (length > limit) {
        // Too big for one PUT: keep what was read for the first parts.
        this.leftover = chunks.length === 1 ? chunks[0] : Buffer.concat(chunks, length);
        return undefined;
      }
    }
  }

  /** Fills `target` from the stream; returns the number of bytes written (less than its length only at the end). */
  async fill(target: Buffer): Promise<number> {
    let filled = 0;
    while (filled < target.length) {
      const chunk = this.leftover ?? (await this.next());
      this.leftover = undefined;
      if (!chunk) break;
      const taken = chunk.copy(target, filled, 0, Math.min(chunk.length, target.length - filled));
      filled += taken;
      if (taken < chunk.length) this.leftover = chunk.subarray(taken);
    }
    return filled;
  }

  /** Stops reading; destroys the source when it was not read to the end. */
  async close(): Promise<void> {
    if (!this.ended) await this.chunks.return?.();
    this.ended = true;
    this.leftover = undefined;
  }

  private async next(): Promise<Buffer | undefined> {
    if (this.ended) return undefined;
    for (;;) {
      const result = await this.chunks.next();
      if (result.done) {
        this.ended = true;
        return undefined;
      }
      const value = result.value;
      const chunk = typeof value === 'string' ? Buffer.from(value) : (value as Buffer);
      if (chunk.length > 0) return chunk;
    }
  }
}
