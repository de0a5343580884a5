import { BaseRpcContext } from '@nestjs/microservices';
import type { QueuePattern } from './queue-patterns.js';

/** Ids that name what a message is about in logs (executionId, taskRunId, ...). */
export type QueueMessageIds = Record<string, string | number>;

/**
 * The context of one message the queue transport delivers: its pattern, the ids logs name it by, and the signal that
 * aborts when the transport takes the work away (a kill, a lost lease, the end of the shutdown grace).
 */
export class QueueContext extends BaseRpcContext<[QueuePattern, QueueMessageIds, AbortSignal]> {
  constructor(pattern: QueuePattern, ids: QueueMessageIds, signal: AbortSignal = new AbortController().signal) {
    super([pattern, ids, signal]);
  }

  getPattern(): QueuePattern {
    return this.args[0];
  }

  getIds(): QueueMessageIds {
    return this.args[1];
  }

  getSignal(): AbortSignal {
    return this.args[2];
  }
}

/** Delivers one message to the handler of its pattern; resolves when the handler is done, rejects with its error. */
export type QueueDispatch = (pattern: QueuePattern, data: unknown, context: QueueContext) => Promise<void>;

/** A consumer of one queue, started and stopped by the transport (and, in order, by the service lifecycle). */
export interface QueueConsumer {
  start(dispatch: QueueDispatch): void;
  /** Stops taking messages and settles what is in flight (drain, give-back); idempotent. */
  stop(): Promise<void>;
}
