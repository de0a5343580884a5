import { Catch, type ExceptionFilter } from '@nestjs/common';
import { throwError, type Observable } from 'rxjs';

/**
 * Hands a queue handler's error back to the transport unchanged: the consumer chooses the answer by its type (a
 * version conflict is released and decided again at once, another failure also pauses), which Nest's default RPC
 * filter would lose by replacing it with a generic `{ status: 'error' }`. The logging interceptor reports it.
 */
@Catch()
export class QueueErrorFilter implements ExceptionFilter {
  catch(error: unknown): Observable<never> {
    return throwError(() => error);
  }
}
