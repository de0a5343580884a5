import { Module } from '@nestjs/common';
import { REPOSITORY, type Repository } from '@osprey/repository';
import type { Logger, OspreyConfig } from '@osprey/server';
import { TriggerExecution } from '../executions/trigger-execution.js';
import { localeCountry } from '../locale-country.js';
import { OSPREY_CONFIG, OSPREY_LOGGER } from '../nest/tokens.js';
import { SchedulerController } from './scheduler.controller.js';
import { SchedulerService } from './scheduler-service.js';

/**
 * The scheduler: evaluates the triggers it owns and starts executions. Started and stopped by the app's ServiceLifecycle;
 * flow and trigger changes reach it through the queue transport's broadcasts (SchedulerController).
 */
@Module({
  controllers: [SchedulerController],
  providers: [
    {
      provide: SchedulerService,
      useFactory: (repository: Repository, trigger: TriggerExecution, config: OspreyConfig, logger: Logger) =>
        new SchedulerService(repository, trigger, logger.child({ component: 'scheduler' }), { ...config.scheduler, defaultCountry: localeCountry() }),
      inject: [REPOSITORY, TriggerExecution, OSPREY_CONFIG, OSPREY_LOGGER],
    },
  ],
  exports: [SchedulerService],
})
export class SchedulerModule {}
