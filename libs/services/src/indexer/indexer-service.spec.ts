import type { Logger, Projection, ProjectionBatch } from '@osprey/server';
import { QueueStoppedError } from '../transport/abort-reasons.js';
import { IndexFeedConsumer } from '../transport/index-feed-consumer.js';
import type { QueueContext } from '../transport/queue-context.js';
import { INDEX_BATCH_PATTERN } from '../transport/queue-patterns.js';
import { IndexerService } from './indexer-service.js';

const silent = { info() {}, warn() {}, error() {}, debug() {}, child() { return silent; } } as unknown as Logger;

/** A feed that hands the consumer the batches pushed into it, as the Kafka feed does, and a writer that fails on demand. */
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
  it('writes each batch once and counts what it wrote', async () => {
    const projection = new FakeProjection();
    const indexer = new IndexerService(projection, silent);
    await indexer.write(batch(3));
    expect(projection.written).toHaveLength(1);
    expect(indexer.written).toBe(3);
  });

  it('retries a failed batch until the search repository takes it, so the feed never moves past it', async () => {
    const projection = new FakeProjection();
    const seen: number[] = [];
    const indexer = new IndexerService(projection, silent, { minBackoffMs: 1, maxBackoffMs: 4, onWritten: (b) => seen.push(b.logs.length) });
    projection.failures = 5;
    await indexer.write(batch(2));
    expect(projection.failures).toBe(0);
    expect(projection.written).toEqual([batch(2)]);
    expect(seen).toEqual([2]);
  });

  it('hands a batch back to the feed after retrying for a while, so the feed redelivers it', async () => {
    const projection = new FakeProjection();
    const indexer = new IndexerService(projection, silent, { minBackoffMs: 5, maxBackoffMs: 5, retryForMs: 30 });
    projection.failures = Number.POSITIVE_INFINITY;
    await expect(indexer.write(batch(1))).rejects.toThrow('ECONNREFUSED');
    projection.failures = 0;
    await indexer.write(batch(1));
    expect(projection.written).toEqual([batch(1)]);
  });

  it('gives up a batch it could not write when its signal aborts, so the feed leaves its offsets for the next indexer', async () => {
    const projection = new FakeProjection();
    const indexer = new IndexerService(projection, silent, { minBackoffMs: 50, maxBackoffMs: 50, retryForMs: 60_000 });
    projection.failures = Number.POSITIVE_INFINITY;
    const stop = new AbortController();
    const pending = indexer.write(batch(1), stop.signal);
    await new Promise((r) => setTimeout(r, 20));
    stop.abort(new QueueStoppedError());
    await expect(pending).rejects.toBeInstanceOf(QueueStoppedError);
    expect(projection.written).toEqual([]);
  });
});

describe('IndexFeedConsumer', () => {
  it('opens the feed on start, delivers its batches with a signal, reports its lag, and on stop aborts the signal and closes the feed', async () => {
    const projection = new FakeProjection();
    const consumer = new IndexFeedConsumer(projection, silent);
    const delivered: Array<{ pattern: string; batch: ProjectionBatch; context: QueueContext }> = [];
    expect(await consumer.lag()).toBe(0);
    consumer.start(async (pattern, data, context) => {
      delivered.push({ pattern, batch: data as ProjectionBatch, context });
    });
    while (!projection.onBatch) await new Promise((r) => setTimeout(r, 5));
    await projection.onBatch(batch(2));
    expect(delivered).toHaveLength(1);
    expect(delivered[0]!.pattern).toBe(INDEX_BATCH_PATTERN);
    expect(delivered[0]!.context.getIds()).toEqual({ executions: 0, logs: 2 });
    await new Promise((r) => setTimeout(r, 0));
    expect(await consumer.lag()).toBe(7);
    await consumer.stop();
    expect(delivered[0]!.context.getSignal().reason).toBeInstanceOf(QueueStoppedError);
    expect(projection.closed).toBe(true);
  });

  it('rejects the feed\'s batch with the handler\'s error, so the feed redelivers it', async () => {
    const projection = new FakeProjection();
    const consumer = new IndexFeedConsumer(projection, silent);
    consumer.start(() => Promise.reject(new Error('connect ECONNREFUSED')));
    while (!projection.onBatch) await new Promise((r) => setTimeout(r, 5));
    await expect(projection.onBatch(batch(1))).rejects.toThrow('ECONNREFUSED');
    await consumer.stop();
  });
});
