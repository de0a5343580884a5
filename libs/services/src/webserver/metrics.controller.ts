import { Controller, Get, Inject, Param, Query } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiParam, ApiQuery, ApiResponse, ApiTags } from '@nestjs/swagger';
import { REPOSITORY, type Repository } from '@osprey/repository';
import { InvalidArgumentError } from '../invalid-argument-error.js';
import { aggregateMetric, METRIC_AGGREGATIONS, metricEntries, type MetricAggregationType, type MetricEntry } from '../task-metrics/metric-entries.js';
import { ApiErrors, ApiPaging } from './api-docs.js';
import { dateParam, oneParam, pageParams } from './query-params.js';

type Q = string | string[] | undefined;

const SORTABLE = new Set(['name', 'value', 'timestamp', 'taskId', 'type']);
const PAGE_SIZE = 500;
const AGGREGATES = { status: 200, description: '{groupBy, aggregations: [{name, value, date}]}: the periods that hold values, oldest first' };

/**
 * Kestra's metrics endpoints, served from the metrics tasks reported: they are stored with each task run attempt in
 * its execution, so a flow's metrics are read from its executions.
 */
@ApiTags('Metrics')
@Controller('api/v1/metrics')
export class MetricsController {
  constructor(@Inject(REPOSITORY) private readonly repository: Repository) {}

  @Get('names/:namespace/:flowId')
  @ApiOperation({ summary: 'Names of the metrics the tasks of a flow reported, sorted' })
  @ApiParam({ name: 'namespace' })
  @ApiParam({ name: 'flowId' })
  @ApiOkResponse({ type: [String] })
  async flowMetrics(@Param('namespace') namespace: string, @Param('flowId') flowId: string) {
    return distinct((await this.ofFlow(namespace, flowId)).map((m) => m.name));
  }

  @Get('names/:namespace/:flowId/:taskId')
  @ApiOperation({ summary: 'Names of the metrics one task of a flow reported, sorted' })
  @ApiParam({ name: 'namespace' })
  @ApiParam({ name: 'flowId' })
  @ApiParam({ name: 'taskId' })
  @ApiOkResponse({ type: [String] })
  async taskMetrics(@Param('namespace') namespace: string, @Param('flowId') flowId: string, @Param('taskId') taskId: string) {
    return distinct((await this.ofFlow(namespace, flowId)).filter((m) => m.taskId === taskId).map((m) => m.name));
  }

  @Get('tasks/:namespace/:flowId')
  @ApiOperation({ summary: 'Ids of the tasks of a flow that reported metrics (deleted or renamed tasks included), sorted' })
  @ApiParam({ name: 'namespace' })
  @ApiParam({ name: 'flowId' })
  @ApiOkResponse({ type: [String] })
  async tasks(@Param('namespace') namespace: string, @Param('flowId') flowId: string) {
    return distinct((await this.ofFlow(namespace, flowId)).map((m) => m.taskId));
  }

  @Get('aggregates/:namespace/:flowId/:metric')
  @ApiOperation({ summary: "A metric of a flow's tasks aggregated per period", description: 'The period follows the window: over 365 days by month, over 180 by week, over 1 by day, over 6 hours by hour, else by minute (UTC).' })
  @ApiParam({ name: 'namespace' })
  @ApiParam({ name: 'flowId' })
  @ApiParam({ name: 'metric' })
  @ApiAggregateQuery()
  @ApiResponse(AGGREGATES)
  @ApiErrors(400)
  async aggregateByFlow(@Param('namespace') namespace: string, @Param('flowId') flowId: string, @Param('metric') metric: string, @Query('startDate') startDate: Q, @Query('endDate') endDate: Q, @Query('aggregation') aggregation: Q) {
    return this.aggregate(namespace, flowId, undefined, metric, startDate, endDate, aggregation);
  }

  @Get('aggregates/:namespace/:flowId/:taskId/:metric')
  @ApiOperation({ summary: 'A metric of one task of a flow aggregated per period', description: 'Periods as for the flow aggregate.' })
  @ApiParam({ name: 'namespace' })
  @ApiParam({ name: 'flowId' })
  @ApiParam({ name: 'taskId' })
  @ApiParam({ name: 'metric' })
  @ApiAggregateQuery()
  @ApiResponse(AGGREGATES)
  @ApiErrors(400)
  async aggregateByTask(
    @Param('namespace') namespace: string,
    @Param('flowId') flowId: string,
    @Param('taskId') taskId: string,
    @Param('metric') metric: string,
    @Query('startDate') startDate: Q,
    @Query('endDate') endDate: Q,
    @Query('aggregation') aggregation: Q,
  ) {
    return this.aggregate(namespace, flowId, taskId, metric, startDate, endDate, aggregation);
  }

  @Get(':executionId')
  @ApiOperation({ summary: 'The metrics of an execution', description: 'An unknown execution has none (an empty page), as in Kestra.' })
  @ApiParam({ name: 'executionId' })
  @ApiQuery({ name: 'taskRunId', required: false })
  @ApiQuery({ name: 'taskId', required: false })
  @ApiPaging(10_000, 10, [...SORTABLE].join(', '))
  @ApiResponse({ status: 200, description: '{results: [MetricEntry], total}' })
  @ApiErrors(400)
  async byExecution(
    @Param('executionId') executionId: string,
    @Query('taskRunId') taskRunId: Q,
    @Query('taskId') taskId: Q,
    @Query('page') page: Q,
    @Query('size') size: Q,
    @Query('sort') sort: Q,
  ) {
    const paging = pageParams(page, size, sort, 10_000, 10);
    const run = oneParam(taskRunId, 'taskRunId');
    const task = oneParam(taskId, 'taskId');
    const execution = await this.repository.executions.get(executionId);
    let entries = (execution ? metricEntries(execution) : []).filter((m) => (!run || m.taskRunId === run) && (!task || m.taskId === task));
    if (paging.sort) entries = sorted(entries, paging.sort);
    const from = ((paging.page ?? 1) - 1) * (paging.size ?? 10);
    return { results: entries.slice(from, from + (paging.size ?? 10)), total: entries.length };
  }

  private async aggregate(namespace: string, flowId: string, taskId: string | undefined, metric: string, startDate: Q, endDate: Q, aggregation: Q) {
    const end = new Date(dateParam(endDate, 'endDate') ?? Date.now());
    const start = new Date(dateParam(startDate, 'startDate') ?? end.getTime() - 30 * 24 * 3_600_000);
    const type = oneParam(aggregation, 'aggregation') ?? 'sum';
    if (!(METRIC_AGGREGATIONS as readonly string[]).includes(type)) throw new InvalidArgumentError('aggregation', `must be one of ${METRIC_AGGREGATIONS.join(', ')}`);
    const entries = (await this.ofFlow(namespace, flowId, end.toISOString())).filter((m) => !taskId || m.taskId === taskId);
    return aggregateMetric(entries, metric, start, end, type as MetricAggregationType);
  }

  /** The metrics of every execution of exactly this flow (started at or before `until`), read page by page. */
  private async ofFlow(namespace: string, flowId: string, until?: string): Promise<MetricEntry[]> {
    const entries: MetricEntry[] = [];
    for (let page = 1; ; page++) {
      const found = await this.repository.executions.search({ namespace, flowId, endDate: until, page, size: PAGE_SIZE });
      // Search results come without task runs: each execution of the flow is read whole.
      for (const summary of found.results) {
        if (summary.namespace !== namespace) continue;
        const execution = await this.repository.executions.get(summary.id);
        if (execution) entries.push(...metricEntries(execution));
      }
      if (found.results.length < PAGE_SIZE) return entries;
    }
  }
}

function distinct(values: string[]): string[] {
  return [...new Set(values)].sort();
}

function sorted(entries: MetricEntry[], sort: string): MetricEntry[] {
  const orders = sort.split(',').map((part) => {
    const [field, direction = 'asc'] = part.trim().split(':');
    if (!SORTABLE.has(field!) || !['asc', 'desc'].includes(direction.toLowerCase())) throw new InvalidArgumentError('sort', `use one of ${[...SORTABLE].join(', ')} with :asc or :desc`);
    const sign = direction.toLowerCase() === 'desc' ? -1 : 1;
    const key = field as keyof MetricEntry;
    return (a: MetricEntry, b: MetricEntry) => {
      const x = a[key];
      const y = b[key];
      return sign * (typeof x === 'number' && typeof y === 'number' ? x - y : String(x ?? '').localeCompare(String(y ?? '')));
    };
  });
  return [...entries].sort((a, b) => orders.reduce((result, order) => result || order(a, b), 0));
}

function ApiAggregateQuery(): MethodDecorator {
  return (target, key, descriptor) => {
    ApiQuery({ name: 'startDate', required: false, description: 'ISO-8601; 30 days before endDate by default' })(target, key, descriptor);
    ApiQuery({ name: 'endDate', required: false, description: 'ISO-8601; now by default' })(target, key, descriptor);
    ApiQuery({ name: 'aggregation', required: false, enum: [...METRIC_AGGREGATIONS], description: 'sum (default), avg, min or max' })(target, key, descriptor);
  };
}
