import { Inject } from '@nestjs/common';
import { EventPattern, Payload } from '@nestjs/microservices';
import type { BroadcastMessage } from '@osprey/queue';
import { QueueHandlers } from '../transport/queue-handlers.decorator.js';
import { BROADCAST_PATTERN, EXECUTION_EVENTS_PATTERN, type QueuePattern } from '../transport/queue-patterns.js';
import type { ExecutionEventsMessage } from '../transport/execution-events-consumer.js';
import { ExecutorService } from './executor-service.js';

/** The executor's queue handlers: the claimed events of one execution, decided and committed; flow and trigger changes. */
@QueueHandlers()
export class ExecutorController {
  constructor(@Inject(ExecutorService) private readonly executor: ExecutorService) {}

  @EventPattern<QueuePattern>(EXECUTION_EVENTS_PATTERN)
  async decide(@Payload() message: ExecutionEventsMessage): Promise<void> {
    await this.executor.process(message.executionId, message.events);
  }

  @EventPattern<QueuePattern>(BROADCAST_PATTERN)
  async broadcast(@Payload() message: BroadcastMessage): Promise<void> {
    await this.executor.onBroadcast(message);
  }
}
