import { Module } from '@nestjs/common';
import { BROADCAST_QUEUE, EXECUTION_EVENT_QUEUE, EXECUTOR_STORE, type BroadcastQueue, type ExecutionEventQueue, type ExecutorStore } from '@osprey/queue';
import { REPOSITORY, type Repository } from '@osprey/repository';
import { envVariables, type FlowSource, type Logger, type OspreyConfig } from '@osprey/server';
import { EXECUTOR_FLOW_SOURCE, EXECUTOR_IN_FLIGHT } from '@osprey/server/nest';
import type { RenderOptions } from '@osprey/flow-model';
import { localeCountry } from '../locale-country.js';
import { OspreyMetrics } from '../metrics.js';
import { OSPREY_CONFIG, OSPREY_LOGGER, RENDER_OPTIONS } from '../nest/tokens.js';
import { ExecutorService } from './executor-service.js';

/** The executor: claims execution events, decides, commits. Started and drained by the app's ServiceLifecycle. */
@Module({
  providers: [
    {
      provide: ExecutorService,
      useFactory: (
        events: ExecutionEventQueue,
        store: ExecutorStore,
        broadcast: BroadcastQueue,
        repository: Repository,
        flows: FlowSource,
        inFlight: number | null,
        config: OspreyConfig,
        logger: Logger,
        render: RenderOptions,
        metrics: OspreyMetrics,
      ) =>
        new ExecutorService(events, store, broadcast, repository, logger.child({ component: 'executor' }), {
          ...config.executor,
          inFlight: inFlight ?? undefined,
          flows,
          render,
          envs: envVariables(),
          defaultCountry: localeCountry(),
          deadAfterMs: config.instance.deadAfterMs,
          onCommitted: (execution) => metrics.observeExecution(execution),
        }),
      inject: [EXECUTION_EVENT_QUEUE, EXECUTOR_STORE, BROADCAST_QUEUE, REPOSITORY, EXECUTOR_FLOW_SOURCE, EXECUTOR_IN_FLIGHT, OSPREY_CONFIG, OSPREY_LOGGER, RENDER_OPTIONS, OspreyMetrics],
    },
  ],
  exports: [ExecutorService],
})
export class ExecutorModule {}
