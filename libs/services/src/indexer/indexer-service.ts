import type { Logger, Projection, ProjectionBatch, ProjectionFeed } from '@osprey/server';

export interface IndexerOptions {
  /** First wait after a failed write; doubles up to `maxBackoffMs`. */
  minBackoffMs?: number;
  maxBackoffMs?: number;
  /** Called after each batch is written (metrics). */
  onWritten?: (batch: ProjectionBatch) => void;
}

export class IndexerStoppedError extends Error {
  constructor() {
    super('the indexer stopped before the batch was written');
    this.name = 'IndexerStoppedError';
  }
}

/**
 * Projects the queue's executions and logs into the search repository (Kafka deployments). Each batch is
 * written until it succeeds: while the search server is down the indexer waits and retries the same batch,
 * and the feed's offsets do not move, so nothing is skipped; a crash redelivers the batch to another replica,
 * and the writes are idempotent.
 */
export class IndexerService {
  private feed?: ProjectionFeed;
  private stopped = false;
  private readonly wake = new AbortController();
  private failingSince?: number;
  written = 0;

  constructor(
    private readonly projection: Projection,
    private readonly logger: Logger,
    private readonly options: IndexerOptions = {},
  ) {}

  async start(): Promise<void> {
    this.feed = await this.projection.openFeed((batch) => this.writeUntilDone(batch));
    this.logger.info('indexer started');
  }

  /** Messages of the queue not projected yet. */
  async lag(): Promise<number> {
    return this.feed ? this.feed.lag() : 0;
  }

  async stop(): Promise<void> {
    this.stopped = true;
    this.wake.abort();
    await this.feed?.close();
    this.logger.info({ written: this.written }, 'indexer stopped');
  }

  private async writeUntilDone(batch: ProjectionBatch): Promise<void> {
    if (batch.executions.length === 0 && batch.logs.length === 0) return;
    let backoff = this.options.minBackoffMs ?? 250;
    for (;;) {
      if (this.stopped) throw new IndexerStoppedError();
      try {
        await this.projection.write(batch);
        if (this.failingSince !== undefined) {
          this.logger.info({ downForMs: Date.now() - this.failingSince }, 'search repository reachable again: indexing resumed');
          this.failingSince = undefined;
        }
        this.written += batch.executions.length + batch.logs.length;
        this.options.onWritten?.(batch);
        return;
      } catch (error) {
        if (this.failingSince === undefined) {
          this.failingSince = Date.now();
          this.logger.warn({ err: error, executions: batch.executions.length, logs: batch.logs.length }, 'writing to the search repository failed: retrying the batch until it succeeds');
        }
        await sleep(backoff, this.wake.signal);
        backoff = Math.min(backoff * 2, this.options.maxBackoffMs ?? 5000);
      }
    }
  }
}

function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal.aborted) return resolve();
    const timer = setTimeout(done, ms);
    function done() {
      clearTimeout(timer);
      signal.removeEventListener('abort', done);
      resolve();
    }
    signal.addEventListener('abort', done, { once: true });
  });
}
