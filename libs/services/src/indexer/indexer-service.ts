import pRetry from 'p-retry';
import type { Logger, Projection, ProjectionBatch } from '@osprey/server';

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

/**
 * Projects the queue's executions and logs into the search repository (Kafka deployments): the queue transport
 * delivers the index feed's batches (IndexerController). A batch that fails is retried with back-off, then handed
 * back to the feed, which delivers it again from its committed offsets: while the search server is down nothing is
 * skipped, and a crash redelivers the batch to another replica. The writes are idempotent, so redeliveries change
 * nothing.
 */
export class IndexerService {
  private failingSince?: number;
  written = 0;

  constructor(
    private readonly projection: Projection,
    private readonly logger: Logger,
    private readonly options: IndexerOptions = {},
  ) {}

  /** Writes one batch, retrying until it succeeds, `retryForMs` passed or `signal` aborts (rejecting with its reason). */
  async write(batch: ProjectionBatch, signal?: AbortSignal): Promise<void> {
    if (batch.executions.length === 0 && batch.logs.length === 0) return;
    await pRetry(() => this.projection.write(batch), {
      retries: Infinity,
      minTimeout: this.options.minBackoffMs ?? MIN_BACKOFF_MS,
      maxTimeout: this.options.maxBackoffMs ?? MAX_BACKOFF_MS,
      maxRetryTime: this.options.retryForMs ?? RETRY_FOR_MS,
      signal,
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
