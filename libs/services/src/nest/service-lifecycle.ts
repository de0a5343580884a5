import { Inject, Injectable, Optional, type BeforeApplicationShutdown, type OnApplicationBootstrap } from '@nestjs/common';
import type { Logger } from '@osprey/server';
import { SchedulerService } from '../scheduler/scheduler-service.js';
import { BroadcastConsumer } from '../transport/broadcast-consumer.js';
import { ExecutionEventsConsumer } from '../transport/execution-events-consumer.js';
import { IndexFeedConsumer } from '../transport/index-feed-consumer.js';
import { WorkerJobsConsumer } from '../transport/worker-jobs-consumer.js';
import { WorkerService } from '../worker/worker-service.js';
import { InstanceHeartbeat } from './instance-heartbeat.js';
import type { ServiceRole } from '../service-role.js';
import { INSTANCE_ID, OSPREY_LOGGER, OSPREY_ROLES } from './tokens.js';

/**
 * Starts the services of the process's roles with the application and stops them in the documented order before it
 * shuts down (SIGTERM): the heartbeat says TERMINATING, the scheduler and executor stop taking work, the worker
 * drains, the indexer stops, broadcasts stop, the heartbeat says STOPPED. The port modules close the adapters afterwards
 * (onApplicationShutdown). One provider holds the order because Nest orders hooks of sibling modules by import depth.
 * The executor's, worker's and indexer's consumers belong to the queue transport, which starts them (startAllMicroservices);
 * they are stopped here, in this order, and the transport's own close() then finds them stopped.
 */
@Injectable()
export class ServiceLifecycle implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private started = false;

  constructor(
    @Inject(OSPREY_LOGGER) private readonly logger: Logger,
    @Inject(OSPREY_ROLES) private readonly roles: ServiceRole[],
    @Inject(INSTANCE_ID) private readonly instanceId: string,
    @Inject(InstanceHeartbeat) private readonly heartbeat: InstanceHeartbeat,
    @Optional() @Inject(ExecutionEventsConsumer) private readonly executionEvents?: ExecutionEventsConsumer,
    @Optional() @Inject(WorkerService) private readonly worker?: WorkerService,
    @Optional() @Inject(WorkerJobsConsumer) private readonly workerJobs?: WorkerJobsConsumer,
    @Optional() @Inject(SchedulerService) private readonly scheduler?: SchedulerService,
    @Optional() @Inject(IndexFeedConsumer) private readonly indexFeed?: IndexFeedConsumer | null,
    @Optional() @Inject(BroadcastConsumer) private readonly broadcasts?: BroadcastConsumer | null,
  ) {}

  onApplicationBootstrap(): void {
    this.started = true;
    this.scheduler?.start();
    this.heartbeat.start();
    this.logger.info({ roles: this.roles, instanceId: this.instanceId }, 'osprey services started');
  }

  async beforeApplicationShutdown(): Promise<void> {
    if (!this.started) return;
    this.started = false;
    await this.heartbeat.terminating();
    await this.scheduler?.stop();
    await this.executionEvents?.stop();
    await this.workerJobs?.stop();
    await this.worker?.close();
    await this.indexFeed?.stop();
    // Last: a kill must still reach the jobs the worker lets finish.
    await this.broadcasts?.stop();
    await this.heartbeat.stopped();
    this.logger.info({ instanceId: this.instanceId }, 'osprey services stopped');
  }
}
