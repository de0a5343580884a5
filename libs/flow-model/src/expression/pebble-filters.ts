import { createHash } from 'node:crypto';
import type { CallArguments, CallContext, FilterFunction } from './evaluation-context.js';
import { formatDate, parseDate } from './java-date-format.js';
import { runJq } from './jq-query.js';
import { javaSplit } from './member-access.js';
import {
  compareValues,
  double,
  fromJsonText,
  isDouble,
  isEmptyValue,
  isMap,
  isNumber,
  javaClassName,
  JavaDouble,
  plain,
  toJson,
  toNumber,
  toText,
  valuesEqual,
} from './pebble-values.js';
import { toIonText } from './ion-text.js';
import { toYaml } from './yaml-writer.js';
import { ZonedDateTime, zoneOf, type Zone } from './zoned-date-time.js';

function str(value: unknown): string {
  return toText(value);
}

function optionalString(args: CallArguments, index: number, name: string): string | undefined {
  const v = args.get(index, name);
  return v === undefined || v === null ? undefined : str(v);
}

function zoneArg(args: CallArguments, ctx: CallContext, index = 1): Zone {
  const tz = optionalString(args, index, 'timeZone');
  return tz ? zoneOf(tz) : ctx.zone;
}

/** Kestra's AbstractDate.convert: dates, epoch seconds, or texts in ISO or `existingFormat`. */
export function toDate(value: unknown, zone: Zone, existingFormat?: string, now?: Date): ZonedDateTime {
  if (value instanceof ZonedDateTime) return value;
  if (value instanceof Date) return ZonedDateTime.ofEpochMilli(value.getTime(), zone);
  if (isNumber(value)) return ZonedDateTime.ofEpochMilli(toNumber(value) * 1000, zone);
  if (typeof value === 'string') return parseDate(value, zone, existingFormat, now);
  throw new TypeError(`'${str(value)}' is not a date`);
}

function formatWithArgs(date: ZonedDateTime, args: CallArguments, ctx: CallContext, formatIndex: number, zoneIndex: number): string {
  const format = optionalString(args, formatIndex, 'format') ?? 'iso';
  return formatDate(date.withZone(zoneArg(args, ctx, zoneIndex)), format);
}

function listOf(input: unknown): unknown[] {
  if (input === null || input === undefined) return [];
  if (Array.isArray(input)) return input;
  if (isMap(input)) return Object.values(input);
  if (typeof input === 'string') return [...input];
  return [input];
}

function hash(algorithm: string): FilterFunction {
  return (input) => (input === null ? null : createHash(algorithm).update(str(input), 'utf8').digest('hex'));
}

/** Java's URLEncoder.encode (form encoding: spaces become `+`). */
function urlEncode(text: string): string {
  return encodeURIComponent(text)
    .replace(/%20/g, '+')
    .replace(/[!'()~]/g, (c) => '%' + c.charCodeAt(0).toString(16).toUpperCase());
}

function capitalize(text: string): string {
  return text.length ? text[0]!.toUpperCase() + text.slice(1) : text;
}

/** Java's String.trim: strips every char up to U+0020 on both ends. */
function javaTrim(text: string): string {
  let start = 0;
  let end = text.length;
  while (start < end && text.charCodeAt(start) <= 32) start++;
  while (end > start && text.charCodeAt(end - 1) <= 32) end--;
  return text.slice(start, end);
}

/** Java's DecimalFormat for the usual patterns (`#.##`, `0.00`, `#,##0.0`), HALF_EVEN rounding. */
function decimalFormat(value: number, pattern: string): string {
  const [positive] = pattern.split(';');
  const m = /^([^#0,.]*)([#0,]*)(?:\.([#0]*))?(.*)$/.exec(positive!);
  if (!m) return String(value);
  const [, prefix, integerPart, fractionPart = '', suffix] = m;
  const percent = suffix!.includes('%');
  let v = percent ? value * 100 : value;
  const minFraction = (fractionPart.match(/0/g) ?? []).length;
  const maxFraction = fractionPart.length;
  const factor = Math.pow(10, maxFraction);
  const scaled = Math.abs(v) * factor;
  const floor = Math.floor(scaled);
  const diff = scaled - floor;
  const rounded = diff > 0.5 + 1e-9 ? floor + 1 : diff < 0.5 - 1e-9 ? floor : floor % 2 === 0 ? floor : floor + 1;
  v = (rounded / factor) * Math.sign(v || 1);
  let [intDigits, fracDigits = ''] = Math.abs(v).toFixed(maxFraction).split('.');
  fracDigits = fracDigits.replace(/0+$/, '');
  while (fracDigits.length < minFraction) fracDigits += '0';
  const minInt = (integerPart!.replace(/,/g, '').match(/0/g) ?? []).length;
  intDigits = intDigits!.replace(/^0+/, '');
  while (intDigits.length < minInt) intDigits = '0' + intDigits;
  const groupIndex = integerPart!.lastIndexOf(',');
  if (groupIndex >= 0) {
    const size = integerPart!.length - groupIndex - 1;
    if (size > 0) intDigits = intDigits.replace(new RegExp(`\\B(?=(\\d{${size}})+(?!\\d))`, 'g'), ',');
  }
  const sign = v < 0 && (intDigits !== '' || fracDigits !== '') ? '-' : '';
  return `${sign}${prefix}${intDigits}${fracDigits ? '.' + fracDigits : ''}${suffix}`;
}

function indent(input: unknown, amount: number, prefix: string): string {
  const pad = prefix.repeat(amount);
  return str(input).replace(/(\r\n|\r|\n)/g, `$1${pad}`);
}

function numberFromString(text: string, type?: string): unknown {
  const t = type?.toUpperCase();
  const n = Number(text.trim());
  if (text.trim() === '' || Number.isNaN(n)) throw new TypeError(`'${text}' is not a number`);
  if (t === 'INT' || t === 'INTEGER' || t === 'LONG') {
    if (!/^[-+]?\d+$/.test(text.trim())) throw new TypeError(`'${text}' is not an integer`);
    return n;
  }
  if (t === 'FLOAT' || t === 'DOUBLE' || t === 'BIGDECIMAL') return double(n);
  return /[.eE]/.test(text) ? double(n) : n;
}

function replacePairs(input: unknown, args: CallArguments): unknown {
  if (input === null) return null;
  const pairs = args.get(0, 'replace_pairs');
  const regexp = args.get(1, 'regexp') === true;
  let text = str(input);
  if (!isMap(pairs)) throw new TypeError('replace() expects a map of replacements');
  for (const [search, replacement] of Object.entries(pairs)) {
    text = regexp ? text.replace(new RegExp(search, 'g'), str(replacement).replace(/\$(\d)/g, '$$$1')) : text.split(search).join(str(replacement));
  }
  return text;
}

function slice(input: unknown, args: CallArguments): unknown {
  const length = typeof input === 'string' ? input.length : listOf(input).length;
  const from = toNumber(args.get(0, 'fromIndex') ?? 0);
  const to = args.has(1, 'toIndex') ? toNumber(args.get(1, 'toIndex')) : length;
  if (from < 0 || to > length || from > to) throw new RangeError(`slice(${from}, ${to}) is out of bounds for length ${length}`);
  return typeof input === 'string' ? input.slice(from, to) : listOf(input).slice(from, to);
}

function distinct(list: unknown[]): unknown[] {
  const out: unknown[] = [];
  for (const v of list) if (!out.some((o) => valuesEqual(o, v))) out.push(v);
  return out;
}

function slugify(text: string): string {
  return text
    .normalize('NFD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '');
}

function timestamp(input: unknown, args: CallArguments, ctx: CallContext): ZonedDateTime | null {
  if (input === null) return null;
  return toDate(input, zoneArg(args, ctx, 0), optionalString(args, 1, 'existingFormat'), ctx.now());
}

/** Pebble's core filters plus Kestra's own (io.kestra.core.runners.pebble.Extension). */
export const FILTERS: Record<string, FilterFunction> = {
  abbreviate: (input, args) => {
    if (input === null) return null;
    const text = str(input);
    const max = toNumber(args.get(0, 'length'));
    return text.length <= max ? text : max <= 3 ? text.slice(0, max) : text.slice(0, max - 3) + '...';
  },
  abs: (input) => (input instanceof JavaDouble ? new JavaDouble(Math.abs(input.value)) : Math.abs(toNumber(input))),
  base64encode: (input) => (input === null ? null : Buffer.from(str(input), 'utf8').toString('base64')),
  base64decode: (input) => (input === null ? null : Buffer.from(str(input), 'base64').toString('utf8')),
  capitalize: (input) => (input === null ? null : capitalize(str(input))),
  chunk: (input, args) => {
    const size = toNumber(args.get(0, 'size'));
    const list = listOf(input);
    const out: unknown[][] = [];
    for (let i = 0; i < list.length; i += size) out.push(list.slice(i, i + size));
    return out;
  },
  className: (input) => javaClassName(input),
  date: (input, args, ctx) => {
    if (input === null) return null;
    const date = toDate(input, zoneArg(args, ctx), optionalString(args, 2, 'existingFormat'), ctx.now());
    return formatWithArgs(date, args, ctx, 0, 1);
  },
  dateAdd: (input, args, ctx) => {
    if (input === null) return null;
    const zone = zoneArg(args, ctx, 3);
    const date = toDate(input, zone, optionalString(args, 4, 'existingFormat'), ctx.now());
    const plus = date.plus(toNumber(args.get(0, 'amount')), str(args.get(1, 'unit')).toUpperCase());
    return formatWithArgs(plus, args, ctx, 2, 3);
  },
  default: (input, args) => (isEmptyValue(input) ? args.get(0, 'default') : input),
  distinct: (input) => distinct(listOf(input)),
  endsWith: (input, args) => input !== null && str(input).endsWith(str(args.get(0, 'value'))),
  escape: (input) => (input === null ? null : str(input).replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!)),
  escapeChar: (input, args) => {
    if (input === null) return null;
    const type = str(args.get(0, 'type') ?? 'single').toLowerCase();
    const text = str(input);
    if (type === 'single') return text.replace(/'/g, "\\'");
    if (type === 'double') return text.replace(/"/g, '\\"');
    if (type === 'shell') return text.replace(/'/g, "'\\''");
    throw new TypeError(`escapeChar type must be 'single', 'double' or 'shell', not '${type}'`);
  },
  first: (input) => {
    if (typeof input === 'string') return input.length ? input[0] : null;
    const list = listOf(input);
    return list.length ? list[0] : null;
  },
  flatten: (input) => listOf(input).flatMap((v) => (Array.isArray(v) ? v : [v])),
  indent: (input, args) => (input === null ? null : indent(input, toNumber(args.get(0, 'amount')), str(args.get(1, 'prefix') ?? ' '))),
  join: (input, args) => {
    const sep = args.get(0, 'separator');
    return listOf(input)
      .map((v) => str(v))
      .join(sep === undefined || sep === null ? '' : str(sep));
  },
  jq: (input, args, ctx) => {
    let data = plain(input);
    if (typeof data === 'string') {
      try {
        data = JSON.parse(data);
      } catch {
        // A plain string is a JSON string value for jq.
      }
    } else if (data instanceof ZonedDateTime) data = data.toIsoOffsetString();
    data = JSON.parse(toJson(data ?? null)) as unknown;
    return runJq(str(args.get(0, 'expression')), data, ctx.now());
  },
  json: (input) => toJson(input),
  jsonEncode: (input) => toJson(input),
  toJson: (input) => toJson(input),
  keys: (input) => {
    if (Array.isArray(input)) return input.map((_v, i) => i);
    if (isMap(input)) return Object.keys(input);
    if (input === null) return null;
    throw new TypeError(`keys needs a map or a list, not '${str(input)}'`);
  },
  last: (input) => {
    if (typeof input === 'string') return input.length ? input[input.length - 1] : null;
    const list = listOf(input);
    return list.length ? list[list.length - 1] : null;
  },
  length: (input) => {
    if (input === null || input === undefined) return 0;
    if (typeof input === 'string' || Array.isArray(input)) return input.length;
    if (isMap(input)) return Object.keys(input).length;
    return str(input).length;
  },
  lower: (input) => (input === null ? null : str(input).toLowerCase()),
  md5: hash('md5'),
  merge: (input, args) => {
    const other = args.get(0, 'items');
    if (isMap(input)) {
      if (!isMap(other)) throw new TypeError('merge of a map needs a map');
      return { ...input, ...other };
    }
    return [...listOf(input), ...(Array.isArray(other) ? other : isMap(other) ? Object.values(other) : [other])];
  },
  nindent: (input, args) => {
    if (input === null) return null;
    const amount = toNumber(args.get(0, 'amount'));
    const prefix = str(args.get(1, 'prefix') ?? ' ');
    const text = str(input);
    const newline = /\r\n/.test(text) ? '\r\n' : /\r/.test(text) && !/\n/.test(text) ? '\r' : '\n';
    return newline + prefix.repeat(amount) + indent(text, amount, prefix);
  },
  number: (input, args) => {
    if (input === null) return null;
    if (isNumber(input)) return input;
    return numberFromString(str(input), optionalString(args, 0, 'type'));
  },
  numberFormat: (input, args) => decimalFormat(toNumber(input), str(args.get(0, 'format'))),
  numberformat: (input, args) => decimalFormat(toNumber(input), str(args.get(0, 'format'))),
  raw: (input) => input,
  replace: replacePairs,
  reverse: (input) => (typeof input === 'string' ? [...input].reverse().join('') : [...listOf(input)].reverse()),
  round: (input, args) => {
    const precision = toNumber(args.get(0, 'precision') ?? 0);
    const factor = Math.pow(10, precision);
    const v = Math.round(toNumber(input) * factor) / factor;
    return precision > 0 || isDouble(input) ? double(v) : v;
  },
  rsort: (input) => [...listOf(input)].sort((a, b) => compareValues(b, a)),
  sha1: hash('sha1'),
  sha256: hash('sha256'),
  sha512: hash('sha512'),
  slice,
  slugify: (input) => (input === null ? null : slugify(str(input))),
  sort: (input) => [...listOf(input)].sort(compareValues),
  split: (input, args) => (input === null ? null : javaSplit(str(input), str(args.get(0, 'delimiter')), args.has(1, 'limit') ? toNumber(args.get(1, 'limit')) : 0)),
  startsWith: (input, args) => input !== null && str(input).startsWith(str(args.get(0, 'value'))),
  string: (input) => (input === null ? null : str(input)),
  substringAfter: (input, args) => {
    const text = str(input);
    const sep = str(args.get(0, 'separator'));
    const i = text.indexOf(sep);
    return i < 0 ? '' : text.slice(i + sep.length);
  },
  substringAfterLast: (input, args) => {
    const text = str(input);
    const sep = str(args.get(0, 'separator'));
    const i = text.lastIndexOf(sep);
    return i < 0 || sep === '' ? '' : text.slice(i + sep.length);
  },
  substringBefore: (input, args) => {
    const text = str(input);
    const sep = str(args.get(0, 'separator'));
    const i = text.indexOf(sep);
    return i < 0 ? text : text.slice(0, i);
  },
  substringBeforeLast: (input, args) => {
    const text = str(input);
    const sep = str(args.get(0, 'separator'));
    const i = text.lastIndexOf(sep);
    return i < 0 || sep === '' ? text : text.slice(0, i);
  },
  timestamp: (input, args, ctx) => {
    const d = timestamp(input, args, ctx);
    return d === null ? null : d.epochSecond;
  },
  timestampMilli: (input, args, ctx) => {
    const d = timestamp(input, args, ctx);
    return d === null ? null : d.epochMilli();
  },
  timestampMicro: (input, args, ctx) => {
    const d = timestamp(input, args, ctx);
    // Kestra writes the seconds followed by the microseconds padded to nine digits.
    return d === null ? null : BigInt(d.epochSecond) * 1_000_000_000n + BigInt(Math.floor(d.nano / 1000));
  },
  timestampNano: (input, args, ctx) => {
    const d = timestamp(input, args, ctx);
    return d === null ? null : BigInt(d.epochSecond) * 1_000_000_000n + BigInt(d.nano);
  },
  title: (input) => (input === null ? null : str(input).replace(/(^|\s)(\S)/g, (_m, space: string, c: string) => space + c.toUpperCase())),
  toYaml: (input) => toYaml(input),
  toIon: (input) => toIonText(input),
  yaml: (input) => toYaml(input),
  trim: (input) => (input === null ? null : javaTrim(str(input))),
  uniq: (input) => distinct(listOf(input)),
  unique: (input) => distinct(listOf(input)),
  upper: (input) => (input === null ? null : str(input).toUpperCase()),
  urlencode: (input) => (input === null ? null : urlEncode(str(input))),
  urldecode: (input) => (input === null ? null : decodeURIComponent(str(input).replace(/\+/g, ' '))),
  values: (input) => {
    if (isMap(input)) return Object.values(input);
    if (Array.isArray(input)) return input;
    if (input === null) return null;
    throw new TypeError(`values needs a map, not '${str(input)}'`);
  },
  fromJson: (input) => (input === null ? null : fromJsonText(str(input))),
};
