import { Inject } from '@nestjs/common';
import { Ctx, EventPattern, Payload } from '@nestjs/microservices';
import type { LeasedJob } from '@osprey/queue';
import type { QueueContext } from '../transport/queue-context.js';
import { QueueHandlers } from '../transport/queue-handlers.decorator.js';
import { WORKER_JOB_PATTERN, type QueuePattern } from '../transport/queue-patterns.js';
import { WorkerService } from './worker-service.js';

/** The worker's queue handler: one leased job, run until its end or until the transport's signal aborts it. */
@QueueHandlers()
export class WorkerController {
  constructor(@Inject(WorkerService) private readonly worker: WorkerService) {}

  @EventPattern<QueuePattern>(WORKER_JOB_PATTERN)
  async run(@Payload() lease: LeasedJob, @Ctx() context: QueueContext): Promise<void> {
    await this.worker.execute(lease, context.getSignal());
  }
}
