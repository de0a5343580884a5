import type { Logger, Projection, ProjectionBatch } from '@osprey/server';
import { IndexerService, IndexerStoppedError } from './indexer-service.js';

const silent = { info() {}, warn() {}, error() {}, debug() {}, child() { return silent; } } as unknown as Logger;

/** A feed that hands the indexer the batches pushed into it, as the Kafka feed does, and a writer that fails on demand. */
class FakeProjection implements Projection {
  onBatch?: (batch: ProjectionBatch) => Promise<void>;
  written: ProjectionBatch[] = [];
  failures = 0;
  closed = false;
  async openFeed(onBatch: (batch: ProjectionBatch) => Promise<void>) {
    this.onBatch = onBatch;
    return { lag: async () => 7, close: async () => void (this.closed = true) };
  }
  async write(batch: ProjectionBatch): Promise<void> {
    if (this.failures > 0) {
      this.failures--;
      throw new Error('connect ECONNREFUSED');
    }
    this.written.push(batch);
  }
}

const batch = (n: number): ProjectionBatch => ({
  executions: [],
  logs: Array.from({ length: n }, (_, i) => ({ id: `l${i}`, namespace: 'ns', flowId: 'f', executionId: 'e', timestamp: new Date(0).toISOString(), level: 'INFO' as const, message: `m${i}` })),
});

describe('IndexerService', () => {
  it('writes each batch once and reports the feed lag', async () => {
    const projection = new FakeProjection();
    const indexer = new IndexerService(projection, silent);
    await indexer.start();
    await projection.onBatch!(batch(3));
    expect(projection.written).toHaveLength(1);
    expect(indexer.written).toBe(3);
    expect(await indexer.lag()).toBe(7);
    await indexer.stop();
    expect(projection.closed).toBe(true);
  });

  it('retries a failed batch until the search repository takes it, so the feed never moves past it', async () => {
    const projection = new FakeProjection();
    const seen: number[] = [];
    const indexer = new IndexerService(projection, silent, { minBackoffMs: 1, maxBackoffMs: 4, onWritten: (b) => seen.push(b.logs.length) });
    await indexer.start();
    projection.failures = 5;
    await projection.onBatch!(batch(2));
    expect(projection.failures).toBe(0);
    expect(projection.written).toEqual([batch(2)]);
    expect(seen).toEqual([2]);
    await indexer.stop();
  });

  it('hands a batch back to the feed after retrying for a while, so the feed redelivers it', async () => {
    const projection = new FakeProjection();
    const indexer = new IndexerService(projection, silent, { minBackoffMs: 5, maxBackoffMs: 5, retryForMs: 30 });
    await indexer.start();
    projection.failures = Number.POSITIVE_INFINITY;
    await expect(projection.onBatch!(batch(1))).rejects.toThrow('ECONNREFUSED');
    projection.failures = 0;
    await projection.onBatch!(batch(1));
    expect(projection.written).toEqual([batch(1)]);
    await indexer.stop();
  });

  it('gives up a batch it could not write when stopped, so the feed leaves its offsets for the next indexer', async () => {
    const projection = new FakeProjection();
    const indexer = new IndexerService(projection, silent, { minBackoffMs: 50, maxBackoffMs: 50, retryForMs: 60_000 });
    await indexer.start();
    projection.failures = Number.POSITIVE_INFINITY;
    const pending = projection.onBatch!(batch(1));
    await new Promise((r) => setTimeout(r, 20));
    await indexer.stop();
    await expect(pending).rejects.toBeInstanceOf(IndexerStoppedError);
    expect(projection.written).toEqual([]);
  });
});
