import type { Execution, TaskRunMetricType } from '@osprey/flow-model';
import { InvalidArgumentError } from '../invalid-argument-error.js';

/** Kestra's `MetricEntry`: one metric a task reported on one attempt, with where it came from. */
export interface MetricEntry {
  namespace: string;
  flowId: string;
  taskId: string;
  executionId: string;
  taskRunId: string;
  type: TaskRunMetricType;
  name: string;
  value: number;
  /** When the attempt that reported it ended (or started, while it runs). */
  timestamp: string;
  tags?: Record<string, string>;
  deleted: false;
}

/** The metrics an execution's task runs reported, attempt by attempt, in task run order. */
export function metricEntries(execution: Execution): MetricEntry[] {
  return execution.taskRunList.flatMap((run) =>
    run.attempts.flatMap((attempt) =>
      (attempt.metrics ?? []).map((metric) => {
        const entry: MetricEntry = {
          namespace: run.namespace,
          flowId: run.flowId,
          taskId: run.taskId,
          executionId: run.executionId,
          taskRunId: run.id,
          type: metric.type,
          name: metric.name,
          value: metric.value,
          timestamp: attempt.state.endDate ?? attempt.state.startDate,
          deleted: false,
        };
        if (metric.tags) entry.tags = metric.tags;
        return entry;
      }),
    ),
  );
}

export const METRIC_AGGREGATIONS = ['sum', 'avg', 'min', 'max'] as const;
export type MetricAggregationType = (typeof METRIC_AGGREGATIONS)[number];
type GroupBy = 'month' | 'week' | 'day' | 'hour' | 'minute';

/** Kestra's `MetricAggregations`: a metric's values aggregated per period, the period chosen from the window's length. */
export interface MetricAggregations {
  groupBy: GroupBy;
  aggregations: { name: string; value: number; date: string }[];
}

const HOUR_MS = 3_600_000;
const DAY_MS = 24 * HOUR_MS;

/** Kestra's periods: over 365 days by month, over 180 by week, over 1 by day, over 6 hours by hour, else by minute. */
function groupByOf(start: Date, end: Date): GroupBy {
  const span = end.getTime() - start.getTime();
  if (span > 365 * DAY_MS) return 'month';
  if (span > 180 * DAY_MS) return 'week';
  if (span > DAY_MS) return 'day';
  if (span > 6 * HOUR_MS) return 'hour';
  return 'minute';
}

/** The start of the (UTC) period holding `time`; weeks start on Monday. */
function periodStart(time: number, groupBy: GroupBy): number {
  const d = new Date(time);
  switch (groupBy) {
    case 'month':
      return Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), 1);
    case 'week': {
      const day = Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), d.getUTCDate());
      return day - ((d.getUTCDay() + 6) % 7) * DAY_MS;
    }
    case 'day':
      return Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), d.getUTCDate());
    case 'hour':
      return Math.floor(time / HOUR_MS) * HOUR_MS;
    case 'minute':
      return Math.floor(time / 60_000) * 60_000;
  }
}

/** Aggregates the values of metric `name` reported between `start` and `end` (inclusive), per period, oldest first. */
export function aggregateMetric(entries: readonly MetricEntry[], name: string, start: Date, end: Date, aggregation: MetricAggregationType): MetricAggregations {
  if (end.getTime() < start.getTime()) throw new InvalidArgumentError('endDate', 'endDate is before startDate');
  const groupBy = groupByOf(start, end);
  const periods = new Map<number, number[]>();
  for (const entry of entries) {
    const time = Date.parse(entry.timestamp);
    if (entry.name !== name || time < start.getTime() || time > end.getTime()) continue;
    const key = periodStart(time, groupBy);
    periods.set(key, [...(periods.get(key) ?? []), entry.value]);
  }
  const aggregations = [...periods.entries()]
    .sort(([a], [b]) => a - b)
    .map(([key, values]) => ({ name, value: aggregate(values, aggregation), date: new Date(key).toISOString() }));
  return { groupBy, aggregations };
}

function aggregate(values: number[], aggregation: MetricAggregationType): number {
  switch (aggregation) {
    case 'sum':
      return values.reduce((a, b) => a + b, 0);
    case 'avg':
      return values.reduce((a, b) => a + b, 0) / values.length;
    case 'min':
      return Math.min(...values);
    case 'max':
      return Math.max(...values);
  }
}
