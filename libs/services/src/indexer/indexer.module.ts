import { Module } from '@nestjs/common';
import type { Logger, Projection } from '@osprey/server';
import { PROJECTION } from '@osprey/server/nest';
import { OspreyMetrics } from '../metrics.js';
import { OSPREY_LOGGER, OSPREY_ROLES } from '../nest/tokens.js';
import type { ServiceRole } from '../service-role.js';
import { IndexerService } from './indexer-service.js';

/**
 * The indexer: projects the queue's executions and logs into the search repository (PROJECTION, Kafka only). With
 * the SQL backends the repository is written directly: IndexerService is then null and the module does nothing.
 */
@Module({
  providers: [
    {
      provide: IndexerService,
      useFactory: (projection: Projection | null, roles: ServiceRole[], logger: Logger, metrics: OspreyMetrics) => {
        if (!projection) {
          if (roles.length === 1) logger.info('the indexer projects Kafka topics into a search backend; with the SQL backends the repository is written directly, so it has nothing to do');
          return null;
        }
        const indexer = new IndexerService(projection, logger.child({ component: 'indexer' }), {
          onWritten: (batch) => metrics.observeIndexed(batch.executions.length, batch.logs.length),
        });
        metrics.indexerLag = () => indexer.lag();
        return indexer;
      },
      inject: [PROJECTION, OSPREY_ROLES, OSPREY_LOGGER, OspreyMetrics],
    },
  ],
  exports: [IndexerService],
})
export class IndexerModule {}
