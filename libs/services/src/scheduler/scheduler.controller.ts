import { Inject } from '@nestjs/common';
import { EventPattern, Payload } from '@nestjs/microservices';
import type { BroadcastMessage } from '@osprey/queue';
import { QueueHandlers } from '../transport/queue-handlers.decorator.js';
import { BROADCAST_PATTERN, type QueuePattern } from '../transport/queue-patterns.js';
import { SchedulerService } from './scheduler-service.js';

/** The scheduler's queue handler: flow and trigger changes, which its list of scheduled flows follows. */
@QueueHandlers()
export class SchedulerController {
  constructor(@Inject(SchedulerService) private readonly scheduler: SchedulerService) {}

  @EventPattern<QueuePattern>(BROADCAST_PATTERN)
  broadcast(@Payload() message: BroadcastMessage): void {
    this.scheduler.onBroadcast(message);
  }
}
