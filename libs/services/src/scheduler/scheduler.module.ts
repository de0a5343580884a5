import { Module } from '@nestjs/common';
import type { RenderOptions } from '@osprey/flow-model';
import { REPOSITORY, type Repository } from '@osprey/repository';
import type { Logger, OspreyConfig } from '@osprey/server';
import { TriggerExecution } from '../executions/trigger-execution.js';
import { localeCountry } from '../locale-country.js';
import { OSPREY_CONFIG, OSPREY_LOGGER, RENDER_OPTIONS } from '../nest/tokens.js';
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
      useFactory: (repository: Repository, trigger: TriggerExecution, config: OspreyConfig, logger: Logger, render: RenderOptions) =>
        new SchedulerService(repository, trigger, logger.child({ component: 'scheduler' }), { ...config.scheduler, defaultCountry: localeCountry(), render }),
      inject: [REPOSITORY, TriggerExecution, OSPREY_CONFIG, OSPREY_LOGGER, RENDER_OPTIONS],
    },
  ],
  exports: [SchedulerService],
})
export class SchedulerModule {}
