/** A time zone: a fixed offset (`Z`, `+02:00`) or an IANA region (`Europe/Paris`). */
export interface Zone {
  id: string;
  /** Offset in seconds for fixed-offset zones. */
  fixed?: number;
}

export interface LocalDateTime {
  year: number;
  month: number; // 1-12
  day: number;
  hour: number;
  minute: number;
  second: number;
  nano: number;
}

export const UTC: Zone = { id: 'Z', fixed: 0 };

const formatters = new Map<string, Intl.DateTimeFormat>();

/** Java's ZoneId.of: `Z`, `UTC`, `GMT`, `+02:00`, `UTC+2`, or an IANA region id. */
export function zoneOf(id: string): Zone {
  if (id === 'Z') return UTC;
  if (id === 'UTC' || id === 'GMT' || id === 'UT') return { id, fixed: 0 };
  const offset = /^(?:UTC|GMT|UT)?([+-])(\d{1,2})(?::?(\d{2}))?(?::?(\d{2}))?$/.exec(id);
  if (offset) {
    const seconds = (Number(offset[2]) * 3600 + Number(offset[3] ?? 0) * 60 + Number(offset[4] ?? 0)) * (offset[1] === '-' ? -1 : 1);
    return { id: seconds === 0 ? 'Z' : formatOffset(seconds, true), fixed: seconds };
  }
  try {
    formatterFor(id);
  } catch {
    throw new RangeError(`Unknown time zone '${id}'`);
  }
  return { id };
}

function formatterFor(id: string): Intl.DateTimeFormat {
  let f = formatters.get(id);
  if (!f) {
    f = new Intl.DateTimeFormat('en-US', {
      timeZone: id,
      hourCycle: 'h23',
      year: 'numeric',
      month: 'numeric',
      day: 'numeric',
      hour: 'numeric',
      minute: 'numeric',
      second: 'numeric',
      era: 'short',
    });
    formatters.set(id, f);
  }
  return f;
}

/** Offset of the zone from UTC at an instant, in seconds. */
export function offsetAt(zone: Zone, epochSecond: number): number {
  if (zone.fixed !== undefined) return zone.fixed;
  const parts = formatterFor(zone.id).formatToParts(new Date(epochSecond * 1000));
  const get = (type: string) => Number(parts.find((p) => p.type === type)?.value ?? 0);
  let year = get('year');
  if (parts.find((p) => p.type === 'era')?.value.startsWith('B')) year = 1 - year;
  const local = Date.UTC(year, get('month') - 1, get('day'), get('hour'), get('minute'), get('second')) / 1000;
  return Math.round(local - Math.floor(epochSecond));
}

export function formatOffset(seconds: number, colon: boolean): string {
  const sign = seconds < 0 ? '-' : '+';
  const abs = Math.abs(seconds);
  const h = String(Math.floor(abs / 3600)).padStart(2, '0');
  const m = String(Math.floor((abs % 3600) / 60)).padStart(2, '0');
  const s = abs % 60;
  const base = colon ? `${sign}${h}:${m}` : `${sign}${h}${m}`;
  return s ? `${base}${colon ? ':' : ''}${String(s).padStart(2, '0')}` : base;
}

function localEpoch(l: LocalDateTime): number {
  const d = new Date(0);
  d.setUTCFullYear(l.year, l.month - 1, l.day);
  d.setUTCHours(l.hour, l.minute, l.second, 0);
  return Math.floor(d.getTime() / 1000);
}

/** An instant seen in a time zone, with nanosecond precision, like java.time.ZonedDateTime. */
export class ZonedDateTime {
  private cachedLocal?: LocalDateTime;

  constructor(
    readonly epochSecond: number,
    readonly nano: number,
    readonly zone: Zone,
  ) {}

  static ofEpochMilli(ms: number, zone: Zone): ZonedDateTime {
    const second = Math.floor(ms / 1000);
    return new ZonedDateTime(second, (ms - second * 1000) * 1_000_000, zone);
  }

  /** Resolves a local date-time in a zone (gaps move forward, overlaps take the earlier offset). */
  static ofLocal(local: LocalDateTime, zone: Zone, preferredOffset?: number): ZonedDateTime {
    const base = localEpoch(local);
    if (preferredOffset !== undefined && offsetAt(zone, base - preferredOffset) === preferredOffset) {
      return new ZonedDateTime(base - preferredOffset, local.nano, zone);
    }
    const before = offsetAt(zone, base - 86400);
    const after = offsetAt(zone, base + 86400);
    for (const offset of before >= after ? [before, after] : [before, after]) {
      if (offsetAt(zone, base - offset) === offset) return new ZonedDateTime(base - offset, local.nano, zone);
    }
    return new ZonedDateTime(base - before, local.nano, zone);
  }

  get offset(): number {
    return offsetAt(this.zone, this.epochSecond);
  }

  withZone(zone: Zone): ZonedDateTime {
    return new ZonedDateTime(this.epochSecond, this.nano, zone);
  }

  local(): LocalDateTime {
    if (!this.cachedLocal) {
      const d = new Date((this.epochSecond + this.offset) * 1000);
      this.cachedLocal = {
        year: d.getUTCFullYear(),
        month: d.getUTCMonth() + 1,
        day: d.getUTCDate(),
        hour: d.getUTCHours(),
        minute: d.getUTCMinutes(),
        second: d.getUTCSeconds(),
        nano: this.nano,
      };
    }
    return this.cachedLocal;
  }

  /** 1 = Monday … 7 = Sunday. */
  dayOfWeek(): number {
    const l = this.local();
    const day = new Date(Date.UTC(l.year, l.month - 1, l.day)).getUTCDay();
    return day === 0 ? 7 : day;
  }

  dayOfYear(): number {
    const l = this.local();
    return Math.round((Date.UTC(l.year, l.month - 1, l.day) - Date.UTC(l.year, 0, 1)) / 86400000) + 1;
  }

  compareTo(other: ZonedDateTime): number {
    return this.epochSecond - other.epochSecond || this.nano - other.nano;
  }

  epochMilli(): number {
    return this.epochSecond * 1000 + Math.floor(this.nano / 1_000_000);
  }

  /** java.time ChronoUnit arithmetic: time units move the instant, date units the local date. */
  plus(amount: number, unit: string): ZonedDateTime {
    const seconds: Record<string, number> = { SECONDS: 1, MINUTES: 60, HOURS: 3600, HALF_DAYS: 43200 };
    const nanos: Record<string, number> = { NANOS: 1, MICROS: 1000, MILLIS: 1_000_000 };
    if (seconds[unit] !== undefined) {
      return new ZonedDateTime(this.epochSecond + amount * seconds[unit]!, this.nano, this.zone);
    }
    if (nanos[unit] !== undefined) {
      const total = this.nano + amount * nanos[unit]!;
      const carry = Math.floor(total / 1_000_000_000);
      return new ZonedDateTime(this.epochSecond + carry, total - carry * 1_000_000_000, this.zone);
    }
    const l = { ...this.local() };
    const months: Record<string, number> = { MONTHS: 1, YEARS: 12, DECADES: 120, CENTURIES: 1200, MILLENNIA: 12000 };
    if (unit === 'DAYS' || unit === 'WEEKS') {
      const d = new Date(Date.UTC(2000, l.month - 1, l.day));
      d.setUTCFullYear(l.year);
      d.setUTCDate(d.getUTCDate() + amount * (unit === 'WEEKS' ? 7 : 1));
      l.year = d.getUTCFullYear();
      l.month = d.getUTCMonth() + 1;
      l.day = d.getUTCDate();
    } else if (months[unit] !== undefined) {
      const total = l.year * 12 + (l.month - 1) + amount * months[unit]!;
      l.year = Math.floor(total / 12);
      l.month = (total % 12) + 1;
      const lastDay = new Date(Date.UTC(2000, l.month, 0));
      lastDay.setUTCFullYear(l.year, l.month, 0);
      l.day = Math.min(l.day, lastDay.getUTCDate());
    } else {
      throw new RangeError(`Unsupported unit '${unit}'`);
    }
    return ZonedDateTime.ofLocal(l, this.zone, this.offset);
  }

  /** ISO_OFFSET_DATE_TIME with Java's LocalTime.toString precision rules. */
  toIsoOffsetString(): string {
    const offset = this.offset;
    return `${isoLocalDateTime(this.local())}${offset === 0 ? 'Z' : formatOffset(offset, true)}`;
  }

  /** java.time.ZonedDateTime#toString: the offset, then `[region]` for region zones. */
  toString(): string {
    const zoneSuffix = this.zone.fixed !== undefined && /^[Z+-]/.test(this.zone.id) ? '' : `[${this.zone.id}]`;
    return this.toIsoOffsetString() + zoneSuffix;
  }
}

export function isoLocalDate(l: LocalDateTime): string {
  const y = Math.abs(l.year) > 9999 ? (l.year > 0 ? '+' : '') + l.year : l.year < 0 ? '-' + String(-l.year).padStart(4, '0') : String(l.year).padStart(4, '0');
  return `${y}-${pad2(l.month)}-${pad2(l.day)}`;
}

export function isoLocalTime(l: LocalDateTime): string {
  let text = `${pad2(l.hour)}:${pad2(l.minute)}`;
  if (l.second > 0 || l.nano > 0) {
    text += `:${pad2(l.second)}`;
    if (l.nano > 0) {
      if (l.nano % 1_000_000 === 0) text += '.' + String(l.nano / 1_000_000).padStart(3, '0');
      else if (l.nano % 1000 === 0) text += '.' + String(l.nano / 1000).padStart(6, '0');
      else text += '.' + String(l.nano).padStart(9, '0');
    }
  }
  return text;
}

export function isoLocalDateTime(l: LocalDateTime): string {
  return `${isoLocalDate(l)}T${isoLocalTime(l)}`;
}

function pad2(n: number): string {
  return String(n).padStart(2, '0');
}
