import { Inject, Injectable, type CallHandler, type ExecutionContext, type NestInterceptor } from '@nestjs/common';
import type { Logger } from '@osprey/server';
import { catchError, throwError, type Observable } from 'rxjs';
import { OSPREY_LOGGER } from '../nest/tokens.js';
import { isConflict } from './execution-events-consumer.js';
import type { QueueContext } from './queue-context.js';

/**
 * Logs each failed queue handler with its pattern and the ids of its message; a version conflict is a warning, and a
 * handler its consumer stopped (signal aborted) is told at info.
 */
@Injectable()
export class QueueLoggingInterceptor implements NestInterceptor {
  private readonly logger: Logger;

  constructor(@Inject(OSPREY_LOGGER) logger: Logger) {
    this.logger = logger.child({ component: 'queue' });
  }

  intercept(context: ExecutionContext, next: CallHandler): Observable<unknown> {
    const queue = context.switchToRpc().getContext<QueueContext>();
    return next.handle().pipe(
      catchError((error: unknown) => {
        const fields = { err: error, pattern: queue.getPattern(), ...queue.getIds() };
        // A handler cut short by the transport (the shutdown) gives its message back: that is the plan, not a fault.
        if (queue.getSignal().aborted) this.logger.info({ ...fields, reason: String(queue.getSignal().reason) }, 'queue handler stopped with its consumer; the message is delivered again');
        else if (isConflict(error)) this.logger.warn(fields, 'execution changed elsewhere; reloading');
        else this.logger.error(fields, 'queue handler failed');
        return throwError(() => error);
      }),
    );
  }
}
