import { parseDuration } from '../flow/duration.js';

/** A Flow trigger's `preconditions.timeWindow` (and a legacy MultipleCondition's `timeWindow`/`window`/`windowAdvance`). */
export interface TimeWindowSpec {
  type?: string;
  window?: string;
  windowAdvance?: string;
  deadline?: string;
  startTime?: string;
  endTime?: string;
}

export const TIME_WINDOW_TYPES = ['DURATION_WINDOW', 'SLIDING_WINDOW', 'DAILY_TIME_DEADLINE', 'DAILY_TIME_WINDOW'] as const;

/** The period, in epoch milliseconds, within which all the conditions of a precondition must be met. */
export interface WindowBounds {
  start: number;
  end: number;
}

const DAY_MS = 86_400_000;

/**
 * The window a precondition evaluated at `now` (UTC) opens. DURATION_WINDOW (the default, one day) is aligned on
 * the window's own unit and shifted by `windowAdvance`; SLIDING_WINDOW starts now; the DAILY types are today's
 * `startTime`-`endTime` or midnight-`deadline`.
 */
export function conditionWindowAt(spec: TimeWindowSpec | undefined, now: Date): WindowBounds {
  const nowMs = Math.floor(now.getTime() / 1000) * 1000;
  const midnight = Math.floor(nowMs / DAY_MS) * DAY_MS;
  const type = spec?.type ?? 'DURATION_WINDOW';
  const window = spec?.window ? parseDuration(spec.window) : DAY_MS;
  switch (type) {
    case 'SLIDING_WINDOW':
      return { start: nowMs, end: nowMs + window };
    case 'DAILY_TIME_WINDOW':
      return { start: midnight + timeOfDayMs(spec?.startTime, 'startTime'), end: midnight + timeOfDayMs(spec?.endTime, 'endTime') };
    case 'DAILY_TIME_DEADLINE':
      return { start: midnight, end: midnight + timeOfDayMs(spec?.deadline, 'deadline') };
    case 'DURATION_WINDOW': {
      const minutes = Math.floor(window / 60_000);
      const date = new Date(nowMs);
      let hour = date.getUTCHours();
      let minute = date.getUTCMinutes();
      let second = date.getUTCSeconds();
      if (window >= DAY_MS) hour = 0;
      if (window >= 3_600_000) minute = 0;
      if (minutes > 0) {
        // The minute is brought down to a multiple of the window's length in minutes (0 once the hour is aligned).
        minute = minutes * Math.floor(minute / minutes);
        second = 0;
      }
      const aligned = midnight + hour * 3_600_000 + minute * 60_000 + second * 1000;
      const start = spec?.windowAdvance ? aligned + parseDuration(spec.windowAdvance) : aligned;
      return { start, end: start + window - 1 };
    }
    default:
      throw new RangeError(`unknown timeWindow type '${type}'`);
  }
}

/** Strictly inside the window, as Kestra's MultipleConditionWindow.isValid. */
export function isWindowOpen(window: WindowBounds, now: Date): boolean {
  return now.getTime() > window.start && now.getTime() < window.end;
}

/** A `HH:mm[:ss]` local time (java.time LocalTime) as milliseconds after midnight. */
function timeOfDayMs(text: string | undefined, key: string): number {
  const m = typeof text === 'string' ? /^(\d{2}):(\d{2})(?::(\d{2}))?$/.exec(text) : null;
  if (!m) throw new RangeError(`timeWindow.${key} must be a time like 09:00:00, got ${JSON.stringify(text)}`);
  return (Number(m[1]) * 3600 + Number(m[2]) * 60 + Number(m[3] ?? 0)) * 1000;
}
