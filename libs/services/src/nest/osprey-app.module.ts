import { Module, type DynamicModule, type Type } from '@nestjs/common';
import { BROADCAST_QUEUE, type BroadcastQueue } from '@osprey/queue';
import type { ServiceInstance } from '@osprey/repository';
import { newId, type Logger, type OspreyConfig } from '@osprey/server';
import { BackendModule, OpenedAdapters } from '@osprey/server/nest';
import { ExecutorModule } from '../executor/executor.module.js';
import { IndexerModule } from '../indexer/indexer.module.js';
import { SchedulerModule } from '../scheduler/scheduler.module.js';
import { WebserverModule } from '../webserver/webserver.module.js';
import { WorkerModule } from '../worker/worker.module.js';
import { OspreyCoreModule } from './core.module.js';
import { HealthController } from './health.controller.js';
import { ServiceLifecycle } from './service-lifecycle.js';
import { ExecutionEventsConsumer } from '../transport/execution-events-consumer.js';
import { IndexFeedConsumer } from '../transport/index-feed-consumer.js';
import { BroadcastConsumer } from '../transport/broadcast-consumer.js';
import { QueueTransport } from '../transport/queue-transport.js';
import { WorkerJobsConsumer } from '../transport/worker-jobs-consumer.js';
import type { ServiceRole } from '../service-role.js';

export interface OspreyAppOptions {
  config: OspreyConfig;
  roles: ServiceRole[];
  logger: Logger;
  /** Type of the instance in heartbeats; default the role, or STANDALONE for several. */
  instanceType?: ServiceInstance['type'];
  /** Records what the backend modules open, to close them if the creation fails (createOspreyApp gives one). */
  opened?: OpenedAdapters;
}

/** The roles whose modules have `BROADCAST_PATTERN` handlers. */
const BROADCAST_ROLES: readonly ServiceRole[] = ['executor', 'worker', 'scheduler'];

const ROLE_MODULES: Record<ServiceRole, Type> = {
  executor: ExecutorModule,
  worker: WorkerModule,
  scheduler: SchedulerModule,
  webserver: WebserverModule,
  indexer: IndexerModule,
};

/**
 * One Osprey process: the backend's port modules on the configured adapters, the shared core, and the module of
 * each role it runs (what `osprey server local` runs all of, and each `osprey <service>` app one of). Health and
 * metrics are served whatever the roles.
 */
@Module({})
export class OspreyAppModule {
  static forRoot(options: OspreyAppOptions): DynamicModule {
    const { config, roles, logger } = options;
    const instanceId = newId();
    const backendLogger = logger.child({ component: 'backend' });
    return {
      module: OspreyAppModule,
      imports: [
        BackendModule.forRoot(config, {
          instanceId,
          relayWorkerJobs: roles.includes('executor'),
          executorFlows: roles.includes('executor'),
          opened: options.opened ?? new OpenedAdapters(),
          // Adapters retry these themselves; operators see them, at most one line per failure.
          onError: (error, context) => backendLogger.warn({ err: error, adapter: context }, 'backend adapter reported an error'),
        }),
        OspreyCoreModule.forRoot({ config, roles, logger, instanceId, instanceType: options.instanceType }),
        ...[...new Set(roles)].map((role) => ROLE_MODULES[role]),
      ],
      controllers: [HealthController],
      providers: [
        ServiceLifecycle,
        {
          provide: QueueTransport,
          // The consumers of the roles this process runs, in the order the transport's own close() stops them.
          useFactory: (executionEvents?: ExecutionEventsConsumer, workerJobs?: WorkerJobsConsumer, indexFeed?: IndexFeedConsumer | null, broadcasts?: BroadcastConsumer | null) =>
            new QueueTransport([executionEvents, workerJobs, indexFeed ?? undefined, broadcasts ?? undefined].filter((c) => c !== undefined), logger),
          inject: [
            { token: ExecutionEventsConsumer, optional: true },
            { token: WorkerJobsConsumer, optional: true },
            { token: IndexFeedConsumer, optional: true },
            { token: BroadcastConsumer, optional: true },
          ],
        },
        {
          provide: BroadcastConsumer,
          // Only the roles with broadcast handlers subscribe (kills, flow and trigger changes); the API only publishes.
          useFactory: (broadcast: BroadcastQueue) => (roles.some((role) => BROADCAST_ROLES.includes(role)) ? new BroadcastConsumer(broadcast) : null),
          inject: [BROADCAST_QUEUE],
        },
      ],
      exports: [QueueTransport],
    };
  }
}
