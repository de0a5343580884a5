import { Inject } from '@nestjs/common';
import { Ctx, EventPattern, Payload } from '@nestjs/microservices';
import type { BroadcastMessage, LeasedJob } from '@osprey/queue';
import type { QueueContext } from '../transport/queue-context.js';
import { QueueHandlers } from '../transport/queue-handlers.decorator.js';
import { BROADCAST_PATTERN, WORKER_JOB_PATTERN, type QueuePattern } from '../transport/queue-patterns.js';
import { WorkerJobsConsumer } from '../transport/worker-jobs-consumer.js';
import { WorkerService } from './worker-service.js';

/** The worker's queue handlers: one leased job, run until its end or until the transport's signal aborts it; kills. */
@QueueHandlers()
export class WorkerController {
  constructor(
    @Inject(WorkerService) private readonly worker: WorkerService,
    @Inject(WorkerJobsConsumer) private readonly jobs: WorkerJobsConsumer,
  ) {}

  @EventPattern<QueuePattern>(WORKER_JOB_PATTERN)
  async run(@Payload() lease: LeasedJob, @Ctx() context: QueueContext): Promise<void> {
    await this.worker.execute(lease, context.getSignal());
  }

  /** A kill stops the running jobs of its task runs: their signals abort, and their attempts end KILLED. */
  @EventPattern<QueuePattern>(BROADCAST_PATTERN)
  broadcast(@Payload() message: BroadcastMessage): void {
    if (message.type === 'killTaskRuns') this.jobs.kill(message.taskRunIds);
  }
}
