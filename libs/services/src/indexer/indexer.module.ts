import { Module } from '@nestjs/common';
import type { Logger, Projection } from '@osprey/server';
import { PROJECTION } from '@osprey/server/nest';
import { OspreyMetrics } from '../metrics.js';
import { OSPREY_LOGGER, OSPREY_ROLES } from '../nest/tokens.js';
import type { ServiceRole } from '../service-role.js';
import { IndexFeedConsumer } from '../transport/index-feed-consumer.js';
import { IndexerController } from './indexer.controller.js';
import { IndexerService } from './indexer-service.js';

/**
 * The indexer: the queue transport opens the index feed (IndexFeedConsumer, Kafka only: PROJECTION) and delivers its
 * batches to IndexerController, which writes them through IndexerService. With the SQL backends the repository is
 * written directly: both are then null and the module does nothing.
 */
@Module({
  controllers: [IndexerController],
  providers: [
    {
      provide: IndexerService,
      useFactory: (projection: Projection | null, roles: ServiceRole[], logger: Logger, metrics: OspreyMetrics) => {
        if (!projection) {
          if (roles.length === 1) logger.info('the indexer projects Kafka topics into a search backend; with the SQL backends the repository is written directly, so it has nothing to do');
          return null;
        }
        return new IndexerService(projection, logger.child({ component: 'indexer' }), {
          onWritten: (batch) => metrics.observeIndexed(batch.executions.length, batch.logs.length),
        });
      },
      inject: [PROJECTION, OSPREY_ROLES, OSPREY_LOGGER, OspreyMetrics],
    },
    {
      provide: IndexFeedConsumer,
      useFactory: (projection: Projection | null, logger: Logger, metrics: OspreyMetrics) => {
        if (!projection) return null;
        const consumer = new IndexFeedConsumer(projection, logger.child({ component: 'indexer' }));
        metrics.indexerLag = () => consumer.lag();
        return consumer;
      },
      inject: [PROJECTION, OSPREY_LOGGER, OspreyMetrics],
    },
  ],
  exports: [IndexerService, IndexFeedConsumer],
})
export class IndexerModule {}
