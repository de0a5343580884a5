import type { Label, LogLevel, StateType } from '@osprey/flow-model';
import { maxPage, type PageRequest } from '@osprey/repository';
import { InvalidArgumentError } from '../invalid-argument-error.js';

/** Parsing of the query parameters Kestra's search endpoints share; every refusal names the parameter. */

export const STATE_TYPES: readonly StateType[] = [
  'CREATED', 'QUEUED', 'RUNNING', 'PAUSED', 'RESTARTED', 'KILLING', 'SUCCESS', 'WARNING',
  'FAILED', 'KILLED', 'CANCELLED', 'SKIPPED', 'RETRYING', 'RETRIED', 'BREAKPOINT',
];
export const LOG_LEVELS: readonly LogLevel[] = ['TRACE', 'DEBUG', 'INFO', 'WARN', 'ERROR'];

type Param = string | string[] | undefined;

/** A parameter given several times (`?state=A&state=B`) or comma-separated (`?state=A,B`). */
export function listParam(value: Param): string[] {
  const list = value === undefined ? [] : Array.isArray(value) ? value : [value];
  return list.flatMap((v) => String(v).split(',')).map((v) => v.trim()).filter((v) => v !== '');
}

export function oneParam(value: Param, name: string): string | undefined {
  if (Array.isArray(value)) {
    if (value.length > 1) throw new InvalidArgumentError(name, `${name} is given more than once`);
    return value[0];
  }
  return value === '' ? undefined : value;
}

/** The largest page most searches serve; flows are read whole (sources and all), so theirs is smaller. */
export const MAX_PAGE_SIZE = 10_000;

/**
 * `page` (from 1) and `size` (1 to `maxSize`); a page whose offset would not be an exact integer is refused too
 * (page × size ≤ 2^53 − 1), where a database would fail on it. `defaultSize` is what the endpoint pages by.
 */
export function pageParams(page: Param, size: Param, sort: Param, maxSize = MAX_PAGE_SIZE, defaultSize = 25): PageRequest {
  const request: PageRequest = {};
  const p = intParam(page, 'page', 1);
  const s = intParam(size, 'size', 1);
  if (s !== undefined) {
    if (s > maxSize) throw new InvalidArgumentError('size', `size must be at most ${maxSize}, got ${s}`);
    request.size = s;
  }
  if (p !== undefined) {
    const last = maxPage(s ?? defaultSize);
    if (p > last) throw new InvalidArgumentError('page', `page must be at most ${last} with size ${s ?? defaultSize} (page × size ≤ 2^53 − 1), got ${p}`);
    request.page = p;
  }
  // Several sorts (repeated or comma-separated) order by each in turn, as Kestra's do; none is dropped.
  const sorts = listParam(sort);
  if (sorts.length > 0) request.sort = sorts.join(',');
  return request;
}

export function intParam(value: Param, name: string, min: number): number | undefined {
  const text = oneParam(value, name);
  if (text === undefined) return undefined;
  if (!/^-?\d+$/.test(text)) throw new InvalidArgumentError(name, `${name} must be an integer, got ${JSON.stringify(text)}`);
  const n = Number(text);
  if (!Number.isSafeInteger(n)) throw new InvalidArgumentError(name, `${name} must be an integer between ${Number.MIN_SAFE_INTEGER} and ${Number.MAX_SAFE_INTEGER}, got ${text}`);
  if (n < min) throw new InvalidArgumentError(name, `${name} must be at least ${min}`);
  return n;
}

export function dateParam(value: Param, name: string): string | undefined {
  const text = oneParam(value, name);
  if (text === undefined) return undefined;
  const millis = Date.parse(text);
  if (Number.isNaN(millis)) throw new InvalidArgumentError(name, `${name} must be an ISO-8601 date-time, got ${JSON.stringify(text)}`);
  return new Date(millis).toISOString();
}

export function statesParam(value: Param, name = 'state'): StateType[] | undefined {
  const states = listParam(value).map((s) => s.toUpperCase());
  for (const s of states) {
    if (!STATE_TYPES.includes(s as StateType)) throw new InvalidArgumentError(name, `${name} ${JSON.stringify(s)} is not a state: use one of ${STATE_TYPES.join(', ')}`);
  }
  return states.length > 0 ? (states as StateType[]) : undefined;
}

export function levelParam(value: Param, name = 'minLevel'): LogLevel | undefined {
  const text = oneParam(value, name)?.toUpperCase();
  if (text === undefined) return undefined;
  if (!LOG_LEVELS.includes(text as LogLevel)) throw new InvalidArgumentError(name, `${name} ${JSON.stringify(text)} is not a log level: use one of ${LOG_LEVELS.join(', ')}`);
  return text as LogLevel;
}

/** Labels as `key:value`, given several times or comma-separated. */
export function labelsParam(value: Param, name = 'labels'): Label[] | undefined {
  const labels = listParam(value).map((label) => {
    const at = label.indexOf(':');
    if (at <= 0) throw new InvalidArgumentError(name, `label ${JSON.stringify(label)} must be key:value`);
    return { key: label.slice(0, at), value: label.slice(at + 1) };
  });
  return labels.length > 0 ? labels : undefined;
}

export function boolParam(value: Param, name: string): boolean | undefined {
  const text = oneParam(value, name);
  if (text === undefined) return undefined;
  if (text !== 'true' && text !== 'false') throw new InvalidArgumentError(name, `${name} must be true or false, got ${JSON.stringify(text)}`);
  return text === 'true';
}
