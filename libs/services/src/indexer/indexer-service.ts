import pRetry from 'p-retry';
import type { Logger, Projection, ProjectionBatch, ProjectionFeed } from '@osprey/server';

const MIN_BACKOFF_MS = 250;
const MAX_BACKOFF_MS = 5_000;
const RETRY_FOR_MS = 5_000;

export interface IndexerOptions {
  /** First wait after a failed write; doubles up to `maxBackoffMs`. */
  minBackoffMs?: number;
  maxBackoffMs?: number;
  /**
   * How long one delivery of a batch is retried before it is handed back to the feed, which redelivers it from
   * the committed offsets (default 5 s: within the consumer session, which no heartbeat renews meanwhile).
   */
  retryForMs?: number;
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
 * Projects the queue's executions and logs into the search repository (Kafka deployments). A batch that fails
 * is retried with back-off, then handed back to the feed, which delivers it again from its committed offsets:
 * while the search server is down nothing is skipped, and a crash redelivers the batch to another replica. The
 * writes are idempotent, so redeliveries change nothing.
 */
export class IndexerService {
  private feed?: ProjectionFeed;
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
    this.wake.abort(new IndexerStoppedError());
    await this.feed?.close();
    this.logger.info({ written: this.written }, 'indexer stopped');
  }

  private async writeUntilDone(batch: ProjectionBatch): Promise<void> {
    if (batch.executions.length === 0 && batch.logs.length === 0) return;
    // stop() aborts with IndexerStoppedError: a wait in progress ends at once and the batch goes back to the feed.
    await pRetry(() => this.projection.write(batch), {
      retries: Infinity,
      minTimeout: this.options.minBackoffMs ?? MIN_BACKOFF_MS,
      maxTimeout: this.options.maxBackoffMs ?? MAX_BACKOFF_MS,
      maxRetryTime: this.options.retryForMs ?? RETRY_FOR_MS,
      signal: this.wake.signal,
      onFailedAttempt: ({ error }) => {
        if (this.failingSince !== undefined) return;
        this.failingSince = Date.now();
        this.logger.warn({ err: error, executions: batch.executions.length, logs: batch.logs.length }, 'writing to the search repository failed: retrying the batch until it succeeds');
      },
    });
    if (this.failingSince !== undefined) {
      this.logger.info({ downForMs: Date.now() - this.failingSince }, 'search repository reachable again: indexing resumed');
      this.failingSince = undefined;
    }
    this.written += batch.executions.length + batch.logs.length;
    this.options.onWritten?.(batch);
  }
}
