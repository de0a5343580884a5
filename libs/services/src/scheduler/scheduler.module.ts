import { Module } from '@nestjs/common';
import { BROADCAST_QUEUE, type BroadcastQueue } from '@osprey/queue';
import { REPOSITORY, type Repository } from '@osprey/repository';
import type { Logger, OspreyConfig } from '@osprey/server';
import { TriggerExecution } from '../executions/trigger-execution.js';
import { localeCountry } from '../locale-country.js';
import { OSPREY_CONFIG, OSPREY_LOGGER } from '../nest/tokens.js';
import { SchedulerService } from './scheduler-service.js';

/** The scheduler: evaluates the triggers it owns and starts executions. Started and stopped by the app's ServiceLifecycle. */
@Module({
  providers: [
    {
      provide: SchedulerService,
      useFactory: (repository: Repository, broadcast: BroadcastQueue, trigger: TriggerExecution, config: OspreyConfig, logger: Logger) =>
        new SchedulerService(repository, broadcast, trigger, logger.child({ component: 'scheduler' }), { ...config.scheduler, defaultCountry: localeCountry() }),
      inject: [REPOSITORY, BROADCAST_QUEUE, TriggerExecution, OSPREY_CONFIG, OSPREY_LOGGER],
    },
  ],
  exports: [SchedulerService],
})
export class SchedulerModule {}
