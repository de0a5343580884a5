import type { Logger, Projection, ProjectionFeed } from '@osprey/server';
import { QueueStoppedError } from './abort-reasons.js';
import { QueueContext, type QueueConsumer, type QueueDispatch } from './queue-context.js';
import { INDEX_BATCH_PATTERN } from './queue-patterns.js';

/**
 * The index feed (Kafka deployments): opens the projection's feed and delivers each batch to the handler. The feed
 * moves its offsets on only once the handler resolved, so a handler that fails (or is stopped mid-retry, its signal
 * aborted with QueueStoppedError) has its batch delivered again, here or on another indexer.
 */
export class IndexFeedConsumer implements QueueConsumer {
  private readonly abort = new AbortController();
  private opening?: Promise<void>;
  private feed?: ProjectionFeed;
  private stopping?: Promise<void>;

  constructor(
    private readonly projection: Projection,
    private readonly logger: Logger,
  ) {}

  start(dispatch: QueueDispatch): void {
    // The feed joins its consumer group in the background; until then /health/ready reports the backend only.
    this.opening ??= this.projection
      .openFeed((batch) => dispatch(INDEX_BATCH_PATTERN, batch, new QueueContext(INDEX_BATCH_PATTERN, { executions: batch.executions.length, logs: batch.logs.length }, this.abort.signal)))
      .then(
        (feed) => {
          this.feed = feed;
          this.logger.info('indexer started');
        },
        (error: unknown) => this.logger.error({ err: error }, 'indexer failed to start'),
      );
  }

  /** Messages of the queue not projected yet. */
  async lag(): Promise<number> {
    return this.feed ? this.feed.lag() : 0;
  }

  /** Aborts the handlers' signal and closes the feed; once, however often called. */
  stop(): Promise<void> {
    if (!this.opening) return Promise.resolve();
    return (this.stopping ??= this.close());
  }

  private async close(): Promise<void> {
    this.abort.abort(new QueueStoppedError());
    await this.opening;
    await this.feed?.close();
    this.feed = undefined;
    this.logger.info('indexer stopped');
  }
}
