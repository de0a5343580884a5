import { Inject } from '@nestjs/common';
import { Ctx, EventPattern, Payload } from '@nestjs/microservices';
import type { ProjectionBatch } from '@osprey/server';
import type { QueueContext } from '../transport/queue-context.js';
import { QueueHandlers } from '../transport/queue-handlers.decorator.js';
import { INDEX_BATCH_PATTERN, type QueuePattern } from '../transport/queue-patterns.js';
import { IndexerService } from './indexer-service.js';

/** The indexer's queue handler: one batch of the index feed, written to the search repository. */
@QueueHandlers()
export class IndexerController {
  constructor(@Inject(IndexerService) private readonly indexer: IndexerService) {}

  @EventPattern<QueuePattern>(INDEX_BATCH_PATTERN)
  async write(@Payload() batch: ProjectionBatch, @Ctx() context: QueueContext): Promise<void> {
    await this.indexer.write(batch, context.getSignal());
  }
}
