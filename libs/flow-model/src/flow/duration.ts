/** Thrown by {@link parseDuration} when a text is not an ISO-8601 duration. */
export class DurationParseError extends Error {
  constructor(readonly text: string) {
    super(`invalid ISO-8601 duration '${text}': expected a form like PT5S, PT0.25S, PT1H30M or P1D`);
    this.name = 'DurationParseError';
  }
}

// Java's Duration.parse grammar, which Kestra uses: days, hours, minutes and (fractional) seconds,
// letters in either case, a sign on the whole and on each part. No years, months or weeks.
const DURATION = /^([-+]?)P(?:([-+]?\d+)D)?(?:T(?:([-+]?\d+)H)?(?:([-+]?\d+)M)?(?:([-+]?)(\d+)(?:[.,](\d{0,9}))?S)?)?$/i;

/** Parses an ISO-8601 duration (`PT1S`, `PT0.25S`, `P1D`, `PT1H30M`, ...) into milliseconds. */
export function parseDuration(text: string): number {
  const match = typeof text === 'string' ? DURATION.exec(text.trim()) : null;
  if (!match) throw new DurationParseError(String(text));
  const [, sign, days, hours, minutes, secondsSign, seconds, fraction] = match;
  const hasTimePart = hours !== undefined || minutes !== undefined || seconds !== undefined;
  if (days === undefined && !hasTimePart) throw new DurationParseError(text);
  // "P1DT" (a T with nothing after it) is rejected by Java too.
  if (/T$/i.test(text.trim())) throw new DurationParseError(text);
  const secondsMs = seconds === undefined ? 0 : Number(seconds) * 1000 + Number(`0.${fraction || '0'}`) * 1000;
  const ms =
    Number(days ?? 0) * 86_400_000 +
    Number(hours ?? 0) * 3_600_000 +
    Number(minutes ?? 0) * 60_000 +
    (secondsSign === '-' ? -secondsMs : secondsMs);
  return sign === '-' ? -ms : ms;
}

/** True when `text` parses as an ISO-8601 duration. */
export function isDuration(text: unknown): text is string {
  if (typeof text !== 'string') return false;
  try {
    parseDuration(text);
    return true;
  } catch {
    // parseDuration only throws DurationParseError; the answer is simply "no".
    return false;
  }
}
