import { formatOffset, isoLocalDate, ZonedDateTime, zoneOf, type LocalDateTime, type Zone } from './zoned-date-time.js';

/** Named formats of Kestra's `date` filter, mapped to java.time DateTimeFormatter patterns. */
const NAMED_PATTERNS: Record<string, string> = {
  iso: "yyyy-MM-dd'T'HH:mm:ss.SSSSSSXXX",
  iso_sec: "yyyy-MM-dd'T'HH:mm:ssXXX",
  sql: 'yyyy-MM-dd HH:mm:ss.SSSSSS',
  sql_seq: 'yyyy-MM-dd HH:mm:ss',
};

const MONTHS = ['January', 'February', 'March', 'April', 'May', 'June', 'July', 'August', 'September', 'October', 'November', 'December'];
const DAYS = ['Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday', 'Sunday'];

interface PatternToken {
  letter?: string;
  count: number;
  text?: string;
}

const patternCache = new Map<string, PatternToken[]>();

function tokenize(pattern: string): PatternToken[] {
  const cached = patternCache.get(pattern);
  if (cached) return cached;
  const tokens: PatternToken[] = [];
  let i = 0;
  while (i < pattern.length) {
    const c = pattern[i]!;
    if (c === "'") {
      let j = i + 1;
      let text = '';
      while (j < pattern.length) {
        if (pattern[j] === "'") {
          if (pattern[j + 1] === "'") {
            text += "'";
            j += 2;
            continue;
          }
          break;
        }
        text += pattern[j];
        j++;
      }
      tokens.push({ count: 0, text: j === i + 1 ? "'" : text });
      i = j + 1;
    } else if (/[A-Za-z]/.test(c)) {
      let j = i;
      while (pattern[j] === c) j++;
      tokens.push({ letter: c, count: j - i });
      i = j;
    } else if (c === '[' || c === ']') {
      i++; // optional sections: always formatted, optional when parsing (handled leniently)
    } else {
      tokens.push({ count: 0, text: c });
      i++;
    }
  }
  patternCache.set(pattern, tokens);
  return tokens;
}

function pad(n: number, width: number): string {
  const s = String(Math.abs(n)).padStart(width, '0');
  return n < 0 ? `-${s}` : s;
}

function fraction(nano: number, digits: number): string {
  return String(nano).padStart(9, '0').slice(0, digits).padEnd(digits, '0');
}

/** Minimal fraction used by java.time ISO formatters (`.5`, `.123456`), empty when zero. */
function isoFraction(nano: number): string {
  if (nano === 0) return '';
  return '.' + String(nano).padStart(9, '0').replace(/0+$/, '');
}

function offsetText(offset: number, letter: string, count: number): string {
  if (letter === 'X' && offset === 0) return 'Z';
  if (letter === 'Z') {
    if (count <= 3) return formatOffset(offset, false);
    if (count === 4) return offset === 0 ? 'GMT' : `GMT${formatOffset(offset, true)}`;
    return offset === 0 ? 'Z' : formatOffset(offset, true);
  }
  if (letter === 'O') {
    if (offset === 0) return 'GMT';
    const sign = offset < 0 ? '-' : '+';
    const abs = Math.abs(offset);
    const h = Math.floor(abs / 3600);
    const m = Math.floor((abs % 3600) / 60);
    return count === 4 ? `GMT${sign}${pad(h, 2)}:${pad(m, 2)}` : `GMT${sign}${h}${m ? ':' + pad(m, 2) : ''}`;
  }
  // X and x
  const sign = offset < 0 ? '-' : '+';
  const abs = Math.abs(offset);
  const hh = pad(Math.floor(abs / 3600), 2);
  const mm = pad(Math.floor((abs % 3600) / 60), 2);
  if (count === 1) return mm === '00' ? `${sign}${hh}` : `${sign}${hh}${mm}`;
  if (count === 2 || count === 4) return `${sign}${hh}${mm}`;
  return `${sign}${hh}:${mm}`;
}

function zoneName(date: ZonedDateTime, long: boolean): string {
  if (date.zone.fixed !== undefined) return date.zone.id === 'Z' ? 'Z' : date.zone.id;
  const parts = new Intl.DateTimeFormat('en-US', { timeZone: date.zone.id, timeZoneName: long ? 'long' : 'short' }).formatToParts(
    new Date(date.epochMilli()),
  );
  return parts.find((p) => p.type === 'timeZoneName')?.value ?? date.zone.id;
}

function formatPattern(date: ZonedDateTime, pattern: string): string {
  const l = date.local();
  let out = '';
  for (const t of tokenize(pattern)) {
    if (t.text !== undefined) {
      out += t.text;
      continue;
    }
    const n = t.count;
    switch (t.letter) {
      case 'G':
        out += n === 4 ? (l.year > 0 ? 'Anno Domini' : 'Before Christ') : l.year > 0 ? 'AD' : 'BC';
        break;
      case 'y':
      case 'u':
      case 'Y':
        out += n === 2 ? pad(((l.year % 100) + 100) % 100, 2) : pad(l.year, n);
        break;
      case 'M':
      case 'L':
        out += n >= 5 ? MONTHS[l.month - 1]![0] : n === 4 ? MONTHS[l.month - 1] : n === 3 ? MONTHS[l.month - 1]!.slice(0, 3) : pad(l.month, n);
        break;
      case 'd':
        out += pad(l.day, n);
        break;
      case 'D':
        out += pad(date.dayOfYear(), n);
        break;
      case 'E':
        out += n >= 5 ? DAYS[date.dayOfWeek() - 1]![0] : n === 4 ? DAYS[date.dayOfWeek() - 1] : DAYS[date.dayOfWeek() - 1]!.slice(0, 3);
        break;
      case 'e':
      case 'c':
        out += n >= 3 ? (n === 4 ? DAYS[date.dayOfWeek() - 1] : DAYS[date.dayOfWeek() - 1]!.slice(0, 3)) : pad((date.dayOfWeek() % 7) + 1, n);
        break;
      case 'a':
        out += l.hour < 12 ? 'AM' : 'PM';
        break;
      case 'H':
        out += pad(l.hour, n);
        break;
      case 'k':
        out += pad(l.hour === 0 ? 24 : l.hour, n);
        break;
      case 'K':
        out += pad(l.hour % 12, n);
        break;
      case 'h':
        out += pad(l.hour % 12 === 0 ? 12 : l.hour % 12, n);
        break;
      case 'm':
        out += pad(l.minute, n);
        break;
      case 's':
        out += pad(l.second, n);
        break;
      case 'S':
        out += fraction(l.nano, n);
        break;
      case 'n':
        out += pad(l.nano, n);
        break;
      case 'A':
        out += pad(((l.hour * 60 + l.minute) * 60 + l.second) * 1000 + Math.floor(l.nano / 1e6), n);
        break;
      case 'V':
        out += date.zone.id;
        break;
      case 'z':
        out += zoneName(date, n >= 4);
        break;
      case 'X':
      case 'x':
      case 'Z':
      case 'O':
        out += offsetText(date.offset, t.letter, n);
        break;
      case 'Q':
      case 'q':
        out += n >= 3 ? `Q${Math.ceil(l.month / 3)}` : pad(Math.ceil(l.month / 3), n);
        break;
      case 'w': {
        const thursday = date.plus(4 - date.dayOfWeek(), 'DAYS');
        out += pad(Math.ceil(thursday.dayOfYear() / 7), n);
        break;
      }
      default:
        throw new RangeError(`Unsupported date pattern letter '${t.letter}' in '${pattern}'`);
    }
  }
  return out;
}

function offsetSuffix(offset: number): string {
  return offset === 0 ? 'Z' : formatOffset(offset, true);
}

function isoTime(l: LocalDateTime): string {
  return `${pad(l.hour, 2)}:${pad(l.minute, 2)}:${pad(l.second, 2)}${isoFraction(l.nano)}`;
}

function regionSuffix(date: ZonedDateTime): string {
  return date.zone.fixed !== undefined && /^[Z+-]/.test(date.zone.id) ? '' : `[${date.zone.id}]`;
}

/** Formats a date the way Kestra's `date` filter does with a named format or a pattern. */
export function formatDate(date: ZonedDateTime, format: string): string {
  const named = NAMED_PATTERNS[format];
  if (named) return formatPattern(date, named);
  const l = date.local();
  const offset = date.offset;
  switch (format) {
    case 'iso_local_date':
      return isoLocalDate(l);
    case 'iso_date':
      return isoLocalDate(l) + offsetSuffix(offset);
    case 'iso_local_time':
      return isoTime(l);
    case 'iso_time':
    case 'iso_offset_time':
      return isoTime(l) + offsetSuffix(offset);
    case 'iso_local_date_time':
      return `${isoLocalDate(l)}T${isoTime(l)}`;
    case 'iso_offset_date_time':
      return `${isoLocalDate(l)}T${isoTime(l)}${offsetSuffix(offset)}`;
    case 'iso_date_time':
    case 'iso_zoned_date_time':
      return `${isoLocalDate(l)}T${isoTime(l)}${offsetSuffix(offset)}${regionSuffix(date)}`;
    case 'iso_instant': {
      const u = date.withZone({ id: 'Z', fixed: 0 }).local();
      const nano = u.nano === 0 ? '' : u.nano % 1e6 === 0 ? '.' + fraction(u.nano, 3) : u.nano % 1e3 === 0 ? '.' + fraction(u.nano, 6) : '.' + fraction(u.nano, 9);
      return `${isoLocalDate(u)}T${pad(u.hour, 2)}:${pad(u.minute, 2)}:${pad(u.second, 2)}${nano}Z`;
    }
    case 'iso_ordinal_date':
      return `${pad(l.year, 4)}-${pad(date.dayOfYear(), 3)}${offsetSuffix(offset)}`;
    case 'iso_week_date': {
      const thursday = date.plus(4 - date.dayOfWeek(), 'DAYS');
      return `${pad(thursday.local().year, 4)}-W${pad(Math.ceil(thursday.dayOfYear() / 7), 2)}-${date.dayOfWeek()}${offsetSuffix(offset)}`;
    }
    case 'rfc_1123_date_time':
      return `${DAYS[date.dayOfWeek() - 1]!.slice(0, 3)}, ${l.day} ${MONTHS[l.month - 1]!.slice(0, 3)} ${l.year} ${pad(l.hour, 2)}:${pad(l.minute, 2)}:${pad(l.second, 2)} ${offset === 0 ? 'GMT' : formatOffset(offset, false)}`;
    case 'full':
    case 'long':
    case 'medium':
    case 'short':
      return new Intl.DateTimeFormat('en-US', {
        timeZone: date.zone.fixed !== undefined ? offsetZoneForIntl(offset) : date.zone.id,
        dateStyle: format,
        timeStyle: format,
      }).format(new Date(date.epochMilli()));
    default:
      return formatPattern(date, format);
  }
}

function offsetZoneForIntl(offset: number): string {
  return offset === 0 ? 'UTC' : formatOffset(offset, true);
}

interface ParsedFields {
  year?: number;
  month?: number;
  day?: number;
  hour?: number;
  minute?: number;
  second?: number;
  nano?: number;
  pm?: boolean;
  offset?: number;
  zone?: Zone;
}

const ISO_RE =
  /^([+-]?\d{4,9})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2})(?:[.,](\d{1,9}))?)?)?(Z|[+-]\d{2}(?::?\d{2}(?::?\d{2})?)?)?(?:\[([^\]]+)\])?$/i;

function parseOffset(text: string): number {
  if (text === 'Z' || text === 'z' || text === 'GMT' || text === 'UTC' || text === 'UT') return 0;
  const m = /^(?:GMT|UTC)?([+-])(\d{1,2}):?(\d{2})?(?::?(\d{2}))?$/.exec(text);
  if (!m) throw new RangeError(`Invalid offset '${text}'`);
  return (Number(m[2]) * 3600 + Number(m[3] ?? 0) * 60 + Number(m[4] ?? 0)) * (m[1] === '-' ? -1 : 1);
}

function parseIso(text: string): ParsedFields | undefined {
  const m = ISO_RE.exec(text.trim());
  if (!m) {
    const time = /^(\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,9}))?)?(Z|[+-]\d{2}:?\d{2})?$/.exec(text.trim());
    if (!time) return undefined;
    return {
      hour: Number(time[1]),
      minute: Number(time[2]),
      second: Number(time[3] ?? 0),
      nano: Number((time[4] ?? '').padEnd(9, '0') || 0),
      offset: time[5] ? parseOffset(time[5]) : undefined,
    };
  }
  const fields: ParsedFields = { year: Number(m[1]), month: Number(m[2]), day: Number(m[3]) };
  if (m[4] !== undefined) {
    fields.hour = Number(m[4]);
    fields.minute = Number(m[5]);
    fields.second = Number(m[6] ?? 0);
    fields.nano = Number((m[7] ?? '').padEnd(9, '0') || 0);
  }
  if (m[8]) fields.offset = parseOffset(m[8].toUpperCase());
  if (m[9]) fields.zone = zoneOf(m[9]);
  return fields;
}

function escapeRe(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

function parsePattern(text: string, pattern: string): ParsedFields | undefined {
  const tokens = tokenize(pattern);
  let re = '^';
  const handlers: Array<(value: string, f: ParsedFields) => void> = [];
  const num = (min: number, max: number) => `(\\d{${min},${max}})`;
  for (const t of tokens) {
    if (t.text !== undefined) {
      re += /\s/.test(t.text) ? '\\s+' : escapeRe(t.text);
      continue;
    }
    const n = t.count;
    const set = (key: keyof ParsedFields) => (v: string, f: ParsedFields) => {
      (f as Record<string, number>)[key] = Number(v);
    };
    switch (t.letter) {
      case 'y':
      case 'u':
      case 'Y':
        re += n === 2 ? num(2, 2) : `([+-]?\\d{${Math.max(n, 1)},9})`;
        handlers.push(n === 2 ? (v, f) => (f.year = 2000 + Number(v)) : set('year'));
        break;
      case 'M':
      case 'L':
        if (n >= 3) {
          re += '([A-Za-z]+\\.?)';
          handlers.push((v, f) => {
            const index = MONTHS.findIndex((m) => m.toLowerCase().startsWith(v.replace('.', '').toLowerCase().slice(0, 3)));
            if (index < 0) throw new RangeError(`Invalid month '${v}'`);
            f.month = index + 1;
          });
        } else {
          re += num(n, 2);
          handlers.push(set('month'));
        }
        break;
      case 'd':
        re += num(n, 2);
        handlers.push(set('day'));
        break;
      case 'H':
      case 'k':
      case 'h':
      case 'K':
        re += num(n, 2);
        handlers.push(set('hour'));
        break;
      case 'm':
        re += num(n, 2);
        handlers.push(set('minute'));
        break;
      case 's':
        re += num(n, 2);
        handlers.push(set('second'));
        break;
      case 'S':
        re += num(n, n);
        handlers.push((v, f) => (f.nano = Number(v.padEnd(9, '0'))));
        break;
      case 'a':
        re += '([AaPp][Mm])';
        handlers.push((v, f) => (f.pm = v.toUpperCase() === 'PM'));
        break;
      case 'E':
      case 'e':
      case 'c':
        re += '([A-Za-z]+|\\d)';
        handlers.push(() => undefined);
        break;
      case 'X':
      case 'x':
      case 'Z':
      case 'O':
        re += '(Z|GMT|UTC|(?:GMT|UTC)?[+-]\\d{1,2}(?::?\\d{2})?(?::?\\d{2})?)';
        handlers.push((v, f) => (f.offset = parseOffset(v)));
        break;
      case 'V':
      case 'z':
        re += '([A-Za-z_]+(?:/[A-Za-z_+-]+)*|[+-]\\d{2}:?\\d{2})';
        handlers.push((v, f) => {
          try {
            f.zone = zoneOf(v);
          } catch {
            f.zone = { id: 'Z', fixed: 0 };
          }
        });
        break;
      default:
        throw new RangeError(`Unsupported date pattern letter '${t.letter}' in '${pattern}'`);
    }
  }
  const m = new RegExp(re + '$').exec(text.trim());
  if (!m) return undefined;
  const fields: ParsedFields = {};
  handlers.forEach((h, i) => h(m[i + 1]!, fields));
  if (fields.pm !== undefined && fields.hour !== undefined) {
    fields.hour = (fields.hour % 12) + (fields.pm ? 12 : 0);
  }
  return fields;
}

function parseRfc1123(text: string): ParsedFields | undefined {
  const m = /^(?:[A-Za-z]{3},\s*)?(\d{1,2})\s+([A-Za-z]{3})\s+(\d{4})\s+(\d{2}):(\d{2})(?::(\d{2}))?\s+(GMT|UT|Z|[+-]\d{4})$/.exec(text.trim());
  if (!m) return undefined;
  const month = MONTHS.findIndex((name) => name.startsWith(m[2]!)) + 1;
  return {
    day: Number(m[1]),
    month,
    year: Number(m[3]),
    hour: Number(m[4]),
    minute: Number(m[5]),
    second: Number(m[6] ?? 0),
    nano: 0,
    offset: parseOffset(m[7]!),
  };
}

/**
 * Converts a date text the way Kestra's date filters do: as a zoned date-time, else a local
 * date-time in `zone`, else a local date at the start of the day in `zone`.
 */
export function parseDate(text: string, zone: Zone, existingFormat?: string, now: Date = new Date()): ZonedDateTime {
  let fields: ParsedFields | undefined;
  if (existingFormat === undefined || existingFormat.startsWith('iso')) fields = parseIso(text);
  else if (existingFormat === 'rfc_1123_date_time') fields = parseRfc1123(text);
  else fields = parsePattern(text, NAMED_PATTERNS[existingFormat] ?? existingFormat);
  if (!fields) {
    throw new RangeError(`Text '${text}' could not be parsed${existingFormat ? ` with format '${existingFormat}'` : ''}`);
  }
  const today = now;
  const local: LocalDateTime = {
    year: fields.year ?? today.getUTCFullYear(),
    month: fields.month ?? 1,
    day: fields.day ?? 1,
    hour: fields.hour ?? 0,
    minute: fields.minute ?? 0,
    second: fields.second ?? 0,
    nano: fields.nano ?? 0,
  };
  if (fields.zone) {
    return ZonedDateTime.ofLocal(local, fields.zone, fields.offset);
  }
  if (fields.offset !== undefined) {
    const z: Zone = fields.offset === 0 ? { id: 'Z', fixed: 0 } : { id: formatOffset(fields.offset, true), fixed: fields.offset };
    return ZonedDateTime.ofLocal(local, z);
  }
  return ZonedDateTime.ofLocal(local, zone);
}
