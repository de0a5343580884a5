import { Inject, Injectable, type CallHandler, type ExecutionContext, type NestInterceptor } from '@nestjs/common';
import { tap, type Observable } from 'rxjs';
import { OspreyMetrics } from '../metrics.js';
import type { QueueContext } from './queue-context.js';

/** Times each queue handler into `osprey_queue_handler_seconds{pattern,outcome}` (outcome: ok or failed). */
@Injectable()
export class QueueMetricsInterceptor implements NestInterceptor {
  constructor(@Inject(OspreyMetrics) private readonly metrics: OspreyMetrics) {}

  intercept(context: ExecutionContext, next: CallHandler): Observable<unknown> {
    const pattern = context.switchToRpc().getContext<QueueContext>().getPattern();
    const started = performance.now();
    const observe = (outcome: 'ok' | 'failed') => this.metrics.observeQueueHandler(pattern, outcome, (performance.now() - started) / 1000);
    return next.handle().pipe(tap({ complete: () => observe('ok'), error: () => observe('failed') }));
  }
}
