/**
 * The filters and page of a list page live in the URL query string, so links, reloads and the back button
 * keep them. These helpers read them and turn them into the API's query parameters.
 */

export const TIME_RANGES = [
  { key: '1h', label: 'Last hour', ms: 3_600_000 },
  { key: '24h', label: 'Last 24 hours', ms: 86_400_000 },
  { key: '7d', label: 'Last 7 days', ms: 7 * 86_400_000 },
  { key: '30d', label: 'Last 30 days', ms: 30 * 86_400_000 },
] as const;

export type TimeRangeKey = (typeof TIME_RANGES)[number]['key'] | 'custom' | 'all';

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
