import type { BroadcastMessage, BroadcastQueue } from '@osprey/queue';
import { QueueContext, type QueueConsumer, type QueueDispatch, type QueueMessageIds } from './queue-context.js';
import { BROADCAST_PATTERN } from './queue-patterns.js';

/**
 * The broadcasts: one subscription per process, each message delivered to every `BROADCAST_PATTERN` handler (the
 * worker's kills, the executor's and scheduler's flow and trigger caches). Broadcasts are fire-and-forget: a handler
 * that fails is logged (by the transport) and the message is not delivered again.
 */
export class BroadcastConsumer implements QueueConsumer {
  private unsubscribe?: () => void;

  constructor(private readonly broadcast: BroadcastQueue) {}

  start(dispatch: QueueDispatch): void {
    this.unsubscribe ??= this.broadcast.subscribe((message) => {
      // The transport logged a failure; a broadcast is not delivered again.
      dispatch(BROADCAST_PATTERN, message, new QueueContext(BROADCAST_PATTERN, idsOf(message))).catch(() => undefined);
    });
  }

  async stop(): Promise<void> {
    this.unsubscribe?.();
  }
}

function idsOf(message: BroadcastMessage): QueueMessageIds {
  switch (message.type) {
    case 'killTaskRuns':
      return { type: message.type, executionId: message.executionId, taskRunIds: message.taskRunIds.join(',') };
    case 'flowChanged':
      return { type: message.type, namespace: message.namespace, flowId: message.flowId };
    case 'triggerChanged':
      return { type: message.type, namespace: message.namespace, flowId: message.flowId, triggerId: message.triggerId };
  }
}
