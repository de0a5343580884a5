import { resolve } from 'node:path';
import { Module } from '@nestjs/common';
import type { RenderOptions } from '@osprey/flow-model';
import { createTaskRegistry, type TaskRegistry } from '@osprey/plugins';
import { BROADCAST_QUEUE, EXECUTION_EVENT_QUEUE, WORKER_JOB_QUEUE, type BroadcastQueue, type ExecutionEventQueue, type WorkerJobQueue } from '@osprey/queue';
import { REPOSITORY, type Repository } from '@osprey/repository';
import type { Logger, OspreyConfig } from '@osprey/server';
import { STORAGE, type Storage } from '@osprey/storage';
import { OspreyMetrics } from '../metrics.js';
import { OSPREY_CONFIG, OSPREY_LOGGER, RENDER_OPTIONS, TASK_REGISTRY } from '../nest/tokens.js';
import { WorkerService } from './worker-service.js';

/** The worker: leases jobs and runs their tasks. Started and drained by the app's ServiceLifecycle. */
@Module({
  providers: [
    {
      provide: TASK_REGISTRY,
      // Python and Node.js dependencies of script tasks are installed once per set of packages, next to the worker's data.
      useFactory: (config: OspreyConfig) => createTaskRegistry({ scripts: { dependencyCache: resolve(config.dataDir, 'script-dependencies') } }),
      inject: [OSPREY_CONFIG],
    },
    {
      provide: WorkerService,
      useFactory: (
        jobs: WorkerJobQueue,
        events: ExecutionEventQueue,
        broadcast: BroadcastQueue,
        repository: Repository,
        storage: Storage,
        registry: TaskRegistry,
        config: OspreyConfig,
        logger: Logger,
        render: RenderOptions,
        metrics: OspreyMetrics,
      ) => {
        const worker = new WorkerService(jobs, events, broadcast, repository, storage, registry, logger.child({ component: 'worker' }), {
          ...config.worker,
          render,
          onJobEnded: (observation) => metrics.observeJob(observation),
        });
        metrics.activeJobs = () => worker.activeJobs;
        return worker;
      },
      inject: [WORKER_JOB_QUEUE, EXECUTION_EVENT_QUEUE, BROADCAST_QUEUE, REPOSITORY, STORAGE, TASK_REGISTRY, OSPREY_CONFIG, OSPREY_LOGGER, RENDER_OPTIONS, OspreyMetrics],
    },
  ],
  exports: [WorkerService],
})
export class WorkerModule {}
