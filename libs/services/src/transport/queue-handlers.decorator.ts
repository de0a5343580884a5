import { applyDecorators, Controller, UseFilters, UseInterceptors } from '@nestjs/common';
import { QueueErrorFilter } from './queue-error.filter.js';
import { QueueMetricsInterceptor } from './queue-metrics.interceptor.js';

/** A controller of queue handlers (`@EventPattern` methods the queue transport calls, and logs the failures of), timed. */
export function QueueHandlers(): ClassDecorator {
  return applyDecorators(Controller(), UseInterceptors(QueueMetricsInterceptor), UseFilters(QueueErrorFilter));
}
