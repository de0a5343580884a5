// Dates and durations as the UI shows them. Pure functions: unit-tested in format.spec.ts.

/** Milliseconds of an ISO-8601 duration (`PT1.5S`, `PT2M3S`, `P1DT2H`); undefined when unreadable. */
export function parseIsoDuration(text: string | undefined | null): number | undefined {
  if (!text) return undefined;
  const m = /^P(?:(\d+(?:\.\d+)?)D)?(?:T(?:(\d+(?:\.\d+)?)H)?(?:(\d+(?:\.\d+)?)M)?(?:(\d+(?:\.\d+)?)S)?)?$/.exec(text.trim());
  if (!m) return undefined;
  const [, d, h, min, s] = m.map((v) => (v === undefined ? 0 : Number(v)));
  return (((d * 24 + h) * 60 + min) * 60 + s) * 1000;
}

/**
 * A short human duration: `850ms`, `4.2s`, `3m 05s`, `2h 04m`, `3d 4h`.
 * Accepts milliseconds or an ISO-8601 duration.
 */
export function formatDuration(value: number | string | undefined | null): string {
  const ms = typeof value === 'string' ? parseIsoDuration(value) : value;
  if (ms === undefined || ms === null || !Number.isFinite(ms)) return '–';
  if (ms < 0) return '0ms';
  if (ms < 1000) return `${Math.round(ms)}ms`;
  const seconds = ms / 1000;
  if (seconds < 60) return `${seconds < 10 ? seconds.toFixed(1).replace(/\.0$/, '') : Math.round(seconds)}s`;
  const totalSeconds = Math.round(seconds);
  const s = totalSeconds % 60;
  const totalMinutes = Math.floor(totalSeconds / 60);
  if (totalMinutes < 60) return `${totalMinutes}m ${String(s).padStart(2, '0')}s`;
  const min = totalMinutes % 60;
  const totalHours = Math.floor(totalMinutes / 60);
  if (totalHours < 24) return `${totalHours}h ${String(min).padStart(2, '0')}m`;
  return `${Math.floor(totalHours / 24)}d ${totalHours % 24}h`;
}

/** Duration between two ISO dates (end defaults to now, for a running state). */
export function durationBetween(start: string | undefined, end?: string, now: number = Date.now()): number | undefined {
  if (!start) return undefined;
  const from = Date.parse(start);
  const to = end ? Date.parse(end) : now;
  return Number.isFinite(from) && Number.isFinite(to) ? to - from : undefined;
}

const dateTime = new Intl.DateTimeFormat(undefined, { year: 'numeric', month: 'short', day: '2-digit', hour: '2-digit', minute: '2-digit', second: '2-digit' });

/** A local date and time, e.g. `Nov 25, 2026, 16:34:49`; `–` when absent. */
export function formatDate(value: string | number | Date | undefined | null): string {
  if (value === undefined || value === null || value === '') return '–';
  const date = value instanceof Date ? value : new Date(value);
  return Number.isNaN(date.getTime()) ? String(value) : dateTime.format(date);
}

/** `5s ago`, `3m ago`, `2h ago`, `4d ago`, or `in 3m` for a future date. */
export function formatRelative(value: string | number | Date | undefined | null, now: number = Date.now()): string {
  if (value === undefined || value === null || value === '') return '–';
  const at = value instanceof Date ? value.getTime() : new Date(value).getTime();
  if (Number.isNaN(at)) return String(value);
  const diff = now - at;
  const abs = Math.abs(diff);
  const units: [number, string][] = [[86_400_000, 'd'], [3_600_000, 'h'], [60_000, 'm'], [1000, 's']];
  let text = 'now';
  for (const [size, unit] of units) {
    if (abs >= size) {
      text = `${Math.floor(abs / size)}${unit}`;
      break;
    }
  }
  if (text === 'now') return 'just now';
  return diff >= 0 ? `${text} ago` : `in ${text}`;
}

/** Bytes as `512 B`, `1.5 KB`, `3.2 MB`. */
export function formatBytes(bytes: number | undefined | null): string {
  if (bytes === undefined || bytes === null || !Number.isFinite(bytes)) return '–';
  const units = ['B', 'KB', 'MB', 'GB', 'TB'];
  let value = bytes;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit++;
  }
  return `${unit === 0 ? value : value.toFixed(1)} ${units[unit]}`;
}
