import { applyDecorators, Controller, UseFilters, UseInterceptors } from '@nestjs/common';
import { QueueErrorFilter } from './queue-error.filter.js';
import { QueueLoggingInterceptor } from './queue-logging.interceptor.js';
import { QueueMetricsInterceptor } from './queue-metrics.interceptor.js';

/** A controller of queue handlers (`@EventPattern` methods the queue transport calls), logged and timed. */
export function QueueHandlers(): ClassDecorator {
  return applyDecorators(Controller(), UseInterceptors(QueueLoggingInterceptor, QueueMetricsInterceptor), UseFilters(QueueErrorFilter));
}
