import { Inject } from '@nestjs/common';
import { EventPattern, Payload } from '@nestjs/microservices';
import { QueueHandlers } from '../transport/queue-handlers.decorator.js';
import { EXECUTION_EVENTS_PATTERN, type QueuePattern } from '../transport/queue-patterns.js';
import type { ExecutionEventsMessage } from '../transport/execution-events-consumer.js';
import { ExecutorService } from './executor-service.js';

/** The executor's queue handler: the claimed events of one execution, decided and committed. */
@QueueHandlers()
export class ExecutorController {
  constructor(@Inject(ExecutorService) private readonly executor: ExecutorService) {}

  @EventPattern<QueuePattern>(EXECUTION_EVENTS_PATTERN)
  async decide(@Payload() message: ExecutionEventsMessage): Promise<void> {
    await this.executor.process(message.executionId, message.events);
  }
}
