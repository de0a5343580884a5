/**
 * A metric a task reported on one attempt, as Kestra's `taskRun.attempts[].metrics`.
 * A counter's value is a number to add up, a gauge's the latest reading of a quantity (Kestra's `Gauge`, sent by its
 * Python and Node helpers); a timer's value is a duration in seconds (Kestra's script protocol
 * sends timers as seconds too; its Java side holds a `Duration`).
 */
export interface TaskRunMetric {
  name: string;
  type: TaskRunMetricType;
  value: number;
  tags?: Record<string, string>;
}

export type TaskRunMetricType = 'counter' | 'gauge' | 'timer';

const METRIC_TYPES: ReadonlySet<string> = new Set<TaskRunMetricType>(['counter', 'gauge', 'timer']);

/**
 * Checks an untrusted metric entry (a script's protocol line, a plugin's call): returns the metric, with tags
 * kept only when they are a flat map of strings, or a sentence naming what is wrong.
 */
export function checkTaskRunMetric(entry: unknown): { metric: TaskRunMetric } | { problem: string } {
  if (typeof entry !== 'object' || entry === null || Array.isArray(entry)) return { problem: 'a metric must be an object' };
  const { name, type, value, tags } = entry as Record<string, unknown>;
  if (typeof name !== 'string' || name.trim() === '') return { problem: 'a metric needs a non-empty "name"' };
  if (typeof type !== 'string' || !METRIC_TYPES.has(type)) {
    return { problem: `metric "${name}" has type ${JSON.stringify(type ?? null)}; expected "counter", "gauge" or "timer"` };
  }
  if (typeof value !== 'number' || !Number.isFinite(value)) {
    return { problem: `metric "${name}" has value ${typeof value === 'number' ? value : JSON.stringify(value ?? null)}; expected a finite number` };
  }
  const metric: TaskRunMetric = { name, type: type as TaskRunMetricType, value };
  if (tags !== undefined && tags !== null) {
    if (typeof tags !== 'object' || Array.isArray(tags) || Object.values(tags).some((v) => typeof v !== 'string')) {
      return { problem: `metric "${name}" has tags that are not a map of strings` };
    }
    if (Object.keys(tags).length > 0) metric.tags = { ...(tags as Record<string, string>) };
  }
  return { metric };
}
