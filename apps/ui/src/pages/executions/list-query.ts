/**
 * The filters and page of a list page live in the URL query string, so links, reloads and the back button
 * keep them. These helpers read them and turn them into the API's query parameters.
 */

export type ApiQuery = Record<string, string | string[] | undefined>;

export const TIME_RANGES = [
  { key: '1h', label: 'Last hour', ms: 3_600_000 },
  { key: '24h', label: 'Last 24 hours', ms: 86_400_000 },
  { key: '7d', label: 'Last 7 days', ms: 7 * 86_400_000 },
  { key: '30d', label: 'Last 30 days', ms: 30 * 86_400_000 },
] as const;

export type TimeRangeKey = (typeof TIME_RANGES)[number]['key'] | 'custom' | 'all';

/** A copy of `params` with `updates` applied (undefined, '' or [] removes a key); the page goes back to 1 unless it is updated. */
export function withParams(params: URLSearchParams, updates: Record<string, string | string[] | undefined>): URLSearchParams {
  const next = new URLSearchParams(params);
  for (const [key, value] of Object.entries(updates)) {
    next.delete(key);
    for (const v of Array.isArray(value) ? value : value === undefined ? [] : [value]) if (v !== '') next.append(key, v);
  }
  if (!('page' in updates)) next.delete('page');
  return next;
}

export function pageOf(params: URLSearchParams, defaultSize = 25): { page: number; size: number } {
  const page = Number.parseInt(params.get('page') ?? '', 10);
  const size = Number.parseInt(params.get('size') ?? '', 10);
  return { page: page >= 1 ? page : 1, size: size >= 1 && size <= 1000 ? size : defaultSize };
}

/**
 * `range` (1h, 24h, 7d, 30d; `custom` with `from`/`to`) as the API's startDate/endDate.
 * Without a range key, `defaultRange` applies; `all` means no bound.
 */
export function timeRangeQuery(params: URLSearchParams, nowMs: number, defaultRange: TimeRangeKey = 'all'): { startDate?: string; endDate?: string } {
  const key = (params.get('range') ?? defaultRange) as TimeRangeKey;
  if (key === 'custom') {
    return { startDate: isoOrUndefined(params.get('from')), endDate: isoOrUndefined(params.get('to')) };
  }
  const range = TIME_RANGES.find((r) => r.key === key);
  return range ? { startDate: new Date(nowMs - range.ms).toISOString() } : {};
}

function isoOrUndefined(value: string | null): string | undefined {
  if (!value) return undefined;
  const ms = Date.parse(value);
  return Number.isNaN(ms) ? undefined : new Date(ms).toISOString();
}

/** The named single-valued parameters, as they are (empty ones left out). */
export function pick(params: URLSearchParams, keys: readonly string[]): ApiQuery {
  const query: ApiQuery = {};
  for (const key of keys) {
    const value = params.get(key);
    if (value) query[key] = value;
  }
  return query;
}

/** Every value of a repeatable parameter, also accepting comma-separated values. */
export function many(params: URLSearchParams, key: string): string[] {
  return params
    .getAll(key)
    .flatMap((v) => v.split(','))
    .map((v) => v.trim())
    .filter((v) => v !== '');
}

/** `key:value` label filters typed by a person: `team:data, env:prod` or one per line; malformed ones are dropped. */
export function parseLabels(text: string): string[] {
  return text
    .split(/[\n,]/)
    .map((l) => l.trim())
    .filter((l) => /^[^:\s]+:.+$/.test(l));
}
