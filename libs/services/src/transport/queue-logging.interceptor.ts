import { Inject, Injectable, type CallHandler, type ExecutionContext, type NestInterceptor } from '@nestjs/common';
import type { Logger } from '@osprey/server';
import { catchError, throwError, type Observable } from 'rxjs';
import { OSPREY_LOGGER } from '../nest/tokens.js';
import { isConflict } from './execution-events-consumer.js';
import type { QueueContext } from './queue-context.js';

/** Logs each failed queue handler with its pattern and the ids of its message; a version conflict is a warning. */
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
        if (isConflict(error)) this.logger.warn(fields, 'execution changed elsewhere; reloading');
        else this.logger.error(fields, 'queue handler failed');
        return throwError(() => error);
      }),
    );
  }
}
