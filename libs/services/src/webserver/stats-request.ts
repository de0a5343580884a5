import { LOG_LEVELS, type LogLevel, type StateType } from '@osprey/flow-model';
import { InvalidArgumentError } from '../invalid-argument-error.js';
import { dateParam, STATE_TYPES } from './query-params.js';

const DAY_MS = 86_400_000;
/** The longest range a daily statistic covers: one entry a day is answered, every day present. */
export const MAX_STATS_DAYS = 366;

/** Fields of Kestra's statistics requests that Osprey does not honour, and why: a request setting one is refused. */
const NOT_HONOURED: Record<string, string> = {
  q: 'a full-text filter is not supported by the statistics; filter with namespace and flowId',
  scope: 'flow scopes (USER, SYSTEM) are not supported by the statistics',
};

/**
 * The JSON body of a statistics request, checked: a field the operation does not take, or one Kestra takes that
 * Osprey does not honour (set to anything but null), is a 400 naming it rather than a filter silently dropped.
 */
export function statsBody(body: unknown, fields: readonly string[]): Record<string, unknown> {
  if (body === undefined || body === null) return {};
  if (typeof body !== 'object' || Array.isArray(body)) throw new InvalidArgumentError('body', 'must be a JSON object');
  const record = body as Record<string, unknown>;
  for (const [name, value] of Object.entries(record)) {
    if (NOT_HONOURED[name] !== undefined) {
      if (value !== null) throw new InvalidArgumentError(name, NOT_HONOURED[name]);
    } else if (!fields.includes(name)) {
      throw new InvalidArgumentError(name, `is not a field of this operation: use ${fields.join(', ')}`);
    }
  }
  return record;
}

export function textField(body: Record<string, unknown>, name: string): string | undefined {
  const value = body[name];
  if (value !== undefined && value !== null && typeof value !== 'string') throw new InvalidArgumentError(name, 'must be a string');
  return (value ?? undefined) as string | undefined;
}

export function booleanField(body: Record<string, unknown>, name: string): boolean {
  const value = body[name];
  if (value !== undefined && value !== null && typeof value !== 'boolean') throw new InvalidArgumentError(name, 'must be true or false');
  return value === true;
}

export function statesField(body: Record<string, unknown>, name = 'state'): StateType[] | undefined {
  const value = body[name];
  if (value === undefined || value === null) return undefined;
  if (!Array.isArray(value)) throw new InvalidArgumentError(name, `must be a list of states (${STATE_TYPES.join(', ')})`);
  return value.map((state: unknown, i) => {
    if (!STATE_TYPES.includes(state as StateType)) throw new InvalidArgumentError(`${name}[${i}]`, `${JSON.stringify(state)} is not a state: use one of ${STATE_TYPES.join(', ')}`);
    return state as StateType;
  });
}

export function levelField(body: Record<string, unknown>, name: string): LogLevel | undefined {
  const value = body[name];
  if (value === undefined || value === null) return undefined;
  if (!(LOG_LEVELS as readonly unknown[]).includes(value)) throw new InvalidArgumentError(name, `must be one of ${LOG_LEVELS.join(', ')}`);
  return value as LogLevel;
}

/** A list of `{namespace, id}` flows; undefined when absent or empty (every flow). */
export function flowsField(body: Record<string, unknown>, name = 'flows'): { namespace: string; id: string }[] | undefined {
  const list = body[name];
  if (list === undefined || list === null) return undefined;
  if (!Array.isArray(list)) throw new InvalidArgumentError(name, 'must be a list of {namespace, id}');
  const flows = list.map((item: unknown, i) => {
    const { namespace, id } = (item ?? {}) as { namespace?: unknown; id?: unknown };
    if (typeof namespace !== 'string' || typeof id !== 'string') throw new InvalidArgumentError(`${name}[${i}]`, 'must be {"namespace": string, "id": string}');
    return { namespace, id };
  });
  return flows.length > 0 ? flows : undefined;
}

/** The range a statistic covers: 30 days up to now by default, at most MAX_STATS_DAYS long. */
export function statsRange(startDate: string | undefined, endDate: string | undefined, now = new Date()): { start: Date; end: Date } {
  const end = endDate ? new Date(dateParam(endDate, 'endDate')!) : now;
  const start = startDate ? new Date(dateParam(startDate, 'startDate')!) : new Date(end.getTime() - 30 * DAY_MS);
  if (start.getTime() > end.getTime()) throw new InvalidArgumentError('startDate', 'is after endDate');
  if (end.getTime() - start.getTime() > MAX_STATS_DAYS * DAY_MS) throw new InvalidArgumentError('endDate', `the range may span at most ${MAX_STATS_DAYS} days`);
  return { start, end };
}

/** Every UTC day (`YYYY-MM-DD`) the range touches, in order. */
export function statsDays(range: { start: Date; end: Date }): string[] {
  const days: string[] = [];
  for (let day = Date.parse(range.start.toISOString().slice(0, 10)); day <= range.end.getTime(); day += DAY_MS) days.push(new Date(day).toISOString().slice(0, 10));
  return days;
}
