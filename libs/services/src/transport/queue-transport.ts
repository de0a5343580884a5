import { Server, type CustomTransportStrategy } from '@nestjs/microservices';
import type { Logger } from '@osprey/server';
import { isObservable, lastValueFrom } from 'rxjs';
import { isConflict } from './execution-events-consumer.js';
import type { QueueConsumer, QueueContext } from './queue-context.js';
import type { QueuePattern } from './queue-patterns.js';

/** No `@EventPattern` handler is registered for a pattern the transport delivers: a wiring fault, never a message's. */
export class NoQueueHandlerError extends Error {
  constructor(readonly pattern: string) {
    super(`no @EventPattern handler for ${pattern}`);
    this.name = 'NoQueueHandlerError';
  }
}

/**
 * The Nest transport over the queue port: the consumers of this process (execution events for an executor, worker
 * jobs for a worker) claim, lease and wait on the queue, and deliver each message to the `@EventPattern` handler of
 * its pattern through Nest's pipeline (interceptors, filters). The handler's result or error comes back to the
 * consumer, which owns what follows (acknowledged by the handler's commit, released, handed back). A failure is
 * logged here, once, with the message's pattern and ids: every delivery passes through `dispatch`.
 *
 * Provided by DI so that the service lifecycle stops the consumers in the shutdown order; `close()` (Nest disposing
 * the microservice) stops whatever is still running.
 */
export class QueueTransport extends Server implements CustomTransportStrategy {
  override readonly propagatesEventHandlerErrors = true;
  private listening = false;

  private readonly queueLogger: Logger;

  constructor(
    private readonly consumers: readonly QueueConsumer[],
    logger: Logger,
  ) {
    super();
    this.queueLogger = logger.child({ component: 'queue' });
  }

  listen(callback: (...optionalParams: unknown[]) => void): void {
    if (!this.listening) {
      this.listening = true;
      for (const consumer of this.consumers) consumer.start((pattern, data, context) => this.dispatch(pattern, data, context));
    }
    callback();
  }

  async close(): Promise<void> {
    for (const consumer of this.consumers) await consumer.stop();
  }

  /** Delivers one message and settles with its handler: Nest's event path would neither wait for it nor surface its error. */
  async dispatch(pattern: QueuePattern, data: unknown, context: QueueContext): Promise<void> {
    try {
      // The patterns are plain string constants, registered under themselves: a map lookup, not `getHandlerByPattern`,
      // which tries JSON.parse on every message (a quarter of the transport's cost per message, measured).
      const handler = this.messageHandlers.get(pattern);
      if (!handler) throw new NoQueueHandlerError(pattern);
      const result: unknown = await handler(data, context);
      if (isObservable(result)) await lastValueFrom(result, { defaultValue: undefined });
    } catch (error) {
      this.logFailure(error, context);
      throw error;
    }
  }

  /** A version conflict is a warning; a handler its consumer stopped (signal aborted) is told at info. */
  private logFailure(error: unknown, context: QueueContext): void {
    const fields = { err: error, pattern: context.getPattern(), ...context.getIds() };
    const signal = context.getSignal();
    // A handler cut short by the transport (the shutdown) gives its message back: that is the plan, not a fault.
    if (signal.aborted) this.queueLogger.info({ ...fields, reason: String(signal.reason) }, 'queue handler stopped with its consumer; the message is delivered again');
    else if (isConflict(error)) this.queueLogger.warn(fields, 'execution changed elsewhere; reloading');
    else this.queueLogger.error(fields, 'queue handler failed');
  }

  on(): never {
    throw new Error('the queue transport emits no events');
  }

  unwrap<T>(): T {
    throw new Error('the queue transport wraps no client: its queues are the backend ports');
  }
}
