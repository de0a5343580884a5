import { resolve } from 'node:path';
import { Module } from '@nestjs/common';
import type { RenderOptions } from '@osprey/flow-model';
import { createTaskRegistry, type LoadedPlugin, type TaskRegistry } from '@osprey/plugins';
import { BROADCAST_QUEUE, EXECUTION_EVENT_QUEUE, WORKER_JOB_QUEUE, type BroadcastQueue, type ExecutionEventQueue, type WorkerJobQueue } from '@osprey/queue';
import { REPOSITORY, type Repository } from '@osprey/repository';
import type { Logger, OspreyConfig } from '@osprey/server';
import { STORAGE, type Storage } from '@osprey/storage';
import { OspreyMetrics } from '../metrics.js';
import { LOADED_PLUGINS, OSPREY_CONFIG, OSPREY_LOGGER, RENDER_OPTIONS, TASK_REGISTRY } from '../nest/tokens.js';
import { WorkerJobsConsumer } from '../transport/worker-jobs-consumer.js';
import { WorkerController } from './worker.controller.js';
import { WorkerService } from './worker-service.js';
import { TriggerCommands } from '../triggers/trigger-commands.js';

/**
 * The worker: the queue transport leases jobs (WorkerJobsConsumer) and delivers them to WorkerController, which runs
 * their tasks through WorkerService. Drained by the app's ServiceLifecycle.
 */
@Module({
  controllers: [WorkerController],
  providers: [
    {
      provide: TASK_REGISTRY,
      // Python and Node.js dependencies of script tasks are installed once per set of packages, next to the worker's data.
      useFactory: (config: OspreyConfig, plugins: LoadedPlugin[]) =>
        createTaskRegistry({ scripts: { dependencyCache: resolve(config.dataDir, 'script-dependencies') }, plugins }),
      inject: [OSPREY_CONFIG, LOADED_PLUGINS],
    },
    {
      provide: WorkerService,
      useFactory: (
        jobs: WorkerJobQueue,
        events: ExecutionEventQueue,
        repository: Repository,
        storage: Storage,
        registry: TaskRegistry,
        logger: Logger,
        render: RenderOptions,
        metrics: OspreyMetrics,
        broadcast: BroadcastQueue,
      ) =>
        // trigger.Toggle goes through the API's trigger commands, so schedulers see the change as they see the API's.
        new WorkerService(jobs, events, repository, storage, registry, logger.child({ component: 'worker' }), new TriggerCommands(repository, broadcast), {
          render,
          onJobEnded: (observation) => metrics.observeJob(observation),
        }),
      inject: [WORKER_JOB_QUEUE, EXECUTION_EVENT_QUEUE, REPOSITORY, STORAGE, TASK_REGISTRY, OSPREY_LOGGER, RENDER_OPTIONS, OspreyMetrics, BROADCAST_QUEUE],
    },
    {
      provide: WorkerJobsConsumer,
      useFactory: (jobs: WorkerJobQueue, worker: WorkerService, config: OspreyConfig, logger: Logger, metrics: OspreyMetrics) => {
        const consumer = new WorkerJobsConsumer(jobs, logger.child({ component: 'worker' }), { ...config.worker, workerId: worker.id });
        metrics.activeJobs = () => consumer.activeJobs;
        return consumer;
      },
      inject: [WORKER_JOB_QUEUE, WorkerService, OSPREY_CONFIG, OSPREY_LOGGER, OspreyMetrics],
    },
  ],
  exports: [WorkerService, WorkerJobsConsumer],
})
export class WorkerModule {}
