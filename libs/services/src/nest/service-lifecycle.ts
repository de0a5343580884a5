import { Inject, Injectable, Optional, type BeforeApplicationShutdown, type OnApplicationBootstrap } from '@nestjs/common';
import type { Logger } from '@osprey/server';
import { ExecutorService } from '../executor/executor-service.js';
import { IndexerService } from '../indexer/indexer-service.js';
import { SchedulerService } from '../scheduler/scheduler-service.js';
import { WorkerService } from '../worker/worker-service.js';
import { InstanceHeartbeat } from './instance-heartbeat.js';
import type { ServiceRole } from '../service-role.js';
import { INSTANCE_ID, OSPREY_LOGGER, OSPREY_ROLES } from './tokens.js';

/**
 * Starts the services of the process's roles with the application and stops them in the documented order before it
 * shuts down (SIGTERM): the heartbeat says TERMINATING, the scheduler and executor stop taking work, the worker
 * drains, the indexer stops, the heartbeat says STOPPED. The port modules close the adapters afterwards
 * (onApplicationShutdown). One provider holds the order because Nest orders hooks of sibling modules by import depth.
 */
@Injectable()
export class ServiceLifecycle implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private started = false;

  constructor(
    @Inject(OSPREY_LOGGER) private readonly logger: Logger,
    @Inject(OSPREY_ROLES) private readonly roles: ServiceRole[],
    @Inject(INSTANCE_ID) private readonly instanceId: string,
    @Inject(InstanceHeartbeat) private readonly heartbeat: InstanceHeartbeat,
    @Optional() @Inject(ExecutorService) private readonly executor?: ExecutorService,
    @Optional() @Inject(WorkerService) private readonly worker?: WorkerService,
    @Optional() @Inject(SchedulerService) private readonly scheduler?: SchedulerService,
    @Optional() @Inject(IndexerService) private readonly indexer?: IndexerService | null,
  ) {}

  onApplicationBootstrap(): void {
    this.started = true;
    this.executor?.start();
    this.worker?.start();
    this.scheduler?.start();
    // The feed joins its consumer group in the background; until then /health/ready reports the backend only.
    this.indexer?.start().catch((error: unknown) => this.logger.error({ err: error }, 'indexer failed to start'));
    this.heartbeat.start();
    this.logger.info({ roles: this.roles, instanceId: this.instanceId }, 'osprey services started');
  }

  async beforeApplicationShutdown(): Promise<void> {
    if (!this.started) return;
    this.started = false;
    await this.heartbeat.terminating();
    await this.scheduler?.stop();
    await this.worker?.stop();
    await this.executor?.stop();
    await this.indexer?.stop();
    await this.heartbeat.stopped();
    this.logger.info({ instanceId: this.instanceId }, 'osprey services stopped');
  }
}
