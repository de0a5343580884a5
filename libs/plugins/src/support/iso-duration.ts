/** Thrown when a text is not an ISO-8601 duration. */
export class IsoDurationError extends Error {
  constructor(readonly text: string) {
    super(`invalid ISO-8601 duration '${text}': expected a form like PT5S, PT0.25S, PT1H30M or P1D`);
    this.name = 'IsoDurationError';
  }
}

// Java's Duration.parse grammar (what Kestra accepts): days, hours, minutes, fractional seconds.
const DURATION = /^([-+]?)P(?:([-+]?\d+)D)?(?:T(?:([-+]?\d+)H)?(?:([-+]?\d+)M)?(?:([-+]?\d+(?:[.,]\d{0,9})?)S)?)?$/i;

/** Parses an ISO-8601 duration (`PT2S`, `PT0.100S`, `P1DT2H`) into milliseconds. */
export function parseIsoDuration(text: string): number {
  const trimmed = text.trim();
  const match = DURATION.exec(trimmed);
  if (!match || /T$/i.test(trimmed)) throw new IsoDurationError(text);
  const [, sign, days, hours, minutes, seconds] = match;
  if (days === undefined && hours === undefined && minutes === undefined && seconds === undefined) {
    throw new IsoDurationError(text);
  }
  const ms =
    Number(days ?? 0) * 86_400_000 +
    Number(hours ?? 0) * 3_600_000 +
    Number(minutes ?? 0) * 60_000 +
    Math.round(Number((seconds ?? '0').replace(',', '.')) * 1000);
  return sign === '-' ? -ms : ms;
}
