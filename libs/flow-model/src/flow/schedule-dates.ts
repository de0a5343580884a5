/** An ISO-8601 date-time with its offset or Z (Java's ZonedDateTime form), an optional [zone] suffix allowed. */
const ZONED_DATE_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?(Z|[+-]\d{2}:\d{2})(\[[^\]]+\])?$/;

/** Why one of a ScheduleOnDates' dates is not a zoned date-time, or undefined when it is one. */
export function zonedDateProblem(value: unknown): string | undefined {
  if (typeof value !== 'string' || !ZONED_DATE_TIME.test(value) || isNaN(Date.parse(value.replace(/\[[^\]]+\]$/, '')))) {
    return `expected an ISO-8601 date-time with its offset, such as 2026-01-31T09:00:00+01:00 or 2026-01-31T08:00:00Z, but got ${JSON.stringify(value)}`;
  }
  return undefined;
}

/** The first of a ScheduleOnDates' dates strictly after `after` (seconds kept, as Kestra truncates), or undefined. */
export function nextScheduledDate(dates: unknown, after: Date): Date | undefined {
  if (!Array.isArray(dates)) return undefined;
  const instants = dates
    .filter((d) => zonedDateProblem(d) === undefined)
    .map((d) => Math.floor(Date.parse(String(d).replace(/\[[^\]]+\]$/, '')) / 1000) * 1000)
    .sort((a, b) => a - b);
  const next = instants.find((t) => t > after.getTime());
  return next === undefined ? undefined : new Date(next);
}
