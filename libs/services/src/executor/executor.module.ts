import { Module } from '@nestjs/common';
import { BROADCAST_QUEUE, EXECUTION_EVENT_QUEUE, EXECUTOR_STORE, type BroadcastQueue, type ExecutionEventQueue, type ExecutorStore } from '@osprey/queue';
import { REPOSITORY, type Repository } from '@osprey/repository';
import { envVariables, type FlowSource, type Logger, type OspreyConfig } from '@osprey/server';
import { EXECUTOR_FLOW_SOURCE, EXECUTOR_IN_FLIGHT } from '@osprey/server/nest';
import type { RenderOptions } from '@osprey/flow-model';
import { localeCountry } from '../locale-country.js';
import { OspreyMetrics } from '../metrics.js';
import { OSPREY_CONFIG, OSPREY_LOGGER, RENDER_OPTIONS } from '../nest/tokens.js';
import { ExecutionEventsConsumer } from '../transport/execution-events-consumer.js';
import { ExecutorController } from './executor.controller.js';
import { ExecutorService } from './executor-service.js';

/**
 * The executor: the queue transport claims execution events (ExecutionEventsConsumer) and delivers them to
 * ExecutorController, which decides and commits through ExecutorService. Drained by the app's ServiceLifecycle.
 */
@Module({
  controllers: [ExecutorController],
  providers: [
    {
      provide: ExecutorService,
      useFactory: (store: ExecutorStore, broadcast: BroadcastQueue, repository: Repository, flows: FlowSource, config: OspreyConfig, logger: Logger, render: RenderOptions, metrics: OspreyMetrics) =>
        new ExecutorService(store, broadcast, repository, logger.child({ component: 'executor' }), {
          cachedExecutions: config.executor.cachedExecutions,
          flows,
          render,
          envs: envVariables(),
          defaultCountry: localeCountry(),
          deadAfterMs: config.instance.deadAfterMs,
          onCommitted: (execution) => metrics.observeExecution(execution),
        }),
      inject: [EXECUTOR_STORE, BROADCAST_QUEUE, REPOSITORY, EXECUTOR_FLOW_SOURCE, OSPREY_CONFIG, OSPREY_LOGGER, RENDER_OPTIONS, OspreyMetrics],
    },
    {
      provide: ExecutionEventsConsumer,
      useFactory: (events: ExecutionEventQueue, executor: ExecutorService, inFlight: number | null, config: OspreyConfig, logger: Logger) =>
        new ExecutionEventsConsumer(events, logger.child({ component: 'executor' }), {
          consumerId: executor.id,
          batchSize: config.executor.batchSize,
          leaseMs: config.executor.leaseMs,
          inFlight: inFlight ?? undefined,
          idleWaitMs: config.executor.idleWaitMs,
          retryMs: config.executor.retryMs,
        }),
      inject: [EXECUTION_EVENT_QUEUE, ExecutorService, EXECUTOR_IN_FLIGHT, OSPREY_CONFIG, OSPREY_LOGGER],
    },
  ],
  exports: [ExecutorService, ExecutionEventsConsumer],
})
export class ExecutorModule {}
