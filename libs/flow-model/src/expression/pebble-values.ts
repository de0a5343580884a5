import { ZonedDateTime } from './zoned-date-time.js';

/**
 * A Java `double` whose value is integral (`1.0`). JavaScript cannot tell `1.0` from `1`, but
 * Pebble prints them differently, so literals and arithmetic keep the distinction with this
 * wrapper. Non-integral numbers are doubles anyway and stay plain numbers.
 */
export class JavaDouble {
  constructor(readonly value: number) {}
}

/** Entry of a map while iterating over it with `{% for entry in map %}`. */
export interface MapEntry {
  key: string;
  value: unknown;
}

export type PebbleMap = Record<string, unknown>;

export function isMap(value: unknown): value is PebbleMap {
  return (
    typeof value === 'object' &&
    value !== null &&
    !Array.isArray(value) &&
    !(value instanceof JavaDouble) &&
    !(value instanceof ZonedDateTime) &&
    !(value instanceof Date)
  );
}

export function isNumber(value: unknown): value is number | JavaDouble | bigint {
  return typeof value === 'number' || typeof value === 'bigint' || value instanceof JavaDouble;
}

export function isDouble(value: unknown): boolean {
  return value instanceof JavaDouble || (typeof value === 'number' && !Number.isInteger(value));
}

export function toNumber(value: unknown): number {
  if (typeof value === 'number') return value;
  if (value instanceof JavaDouble) return value.value;
  if (typeof value === 'bigint') return Number(value);
  if (typeof value === 'boolean') return value ? 1 : 0;
  if (typeof value === 'string' && value.trim() !== '' && !Number.isNaN(Number(value))) return Number(value);
  throw new TypeError(`'${describe(value)}' is not a number`);
}

/** Builds a double result: integral values keep their "double" nature for printing. */
export function double(value: number): number | JavaDouble {
  return Number.isInteger(value) ? new JavaDouble(value) : value;
}

/** Replaces JavaDouble wrappers by plain numbers, deeply (for values handed to callers). */
export function plain(value: unknown): unknown {
  if (value instanceof JavaDouble) return value.value;
  if (Array.isArray(value)) return value.map(plain);
  if (isMap(value)) {
    let changed = false;
    const out: PebbleMap = {};
    for (const [k, v] of Object.entries(value)) {
      const p = plain(v);
      if (p !== v) changed = true;
      out[k] = p;
    }
    return changed ? out : value;
  }
  return value;
}

/** Java's Double.toString: `1.0`, `1.5`, `1.0E7`, `1.0E-4`. */
export function formatDouble(value: number): string {
  if (Number.isNaN(value)) return 'NaN';
  if (!Number.isFinite(value)) return value > 0 ? 'Infinity' : '-Infinity';
  if (value === 0) return Object.is(value, -0) ? '-0.0' : '0.0';
  const abs = Math.abs(value);
  if (abs >= 1e-3 && abs < 1e7) {
    const text = String(value);
    return text.includes('.') ? text : `${text}.0`;
  }
  const [mantissa, exponent] = value.toExponential().split('e');
  const m = mantissa!.includes('.') ? mantissa! : `${mantissa}.0`;
  return `${m}E${exponent!.replace('+', '')}`;
}

export function formatInteger(value: number): string {
  if (Object.is(value, -0)) return '0';
  if (Math.abs(value) >= 1e21) return BigInt(value).toString();
  return String(value);
}

export function formatNumber(value: number | JavaDouble | bigint): string {
  if (typeof value === 'bigint') return value.toString();
  if (value instanceof JavaDouble) return formatDouble(value.value);
  return Number.isInteger(value) ? formatInteger(value) : formatDouble(value);
}

/** Text of a value printed by `{{ }}`: Kestra prints maps and lists as compact JSON. */
export function toText(value: unknown): string {
  if (value === null || value === undefined) return '';
  if (typeof value === 'string') return value;
  if (typeof value === 'boolean') return value ? 'true' : 'false';
  if (isNumber(value)) return formatNumber(value);
  if (value instanceof ZonedDateTime) return value.toString();
  if (value instanceof Date) return value.toISOString();
  return toJson(value);
}

/** Compact JSON the way Kestra's Jackson mapper writes it. */
export function toJson(value: unknown, indent = ''): string {
  return writeJson(value, indent, '');
}

function writeJson(value: unknown, indent: string, current: string): string {
  if (value === null || value === undefined) return 'null';
  if (typeof value === 'string') return JSON.stringify(value);
  if (typeof value === 'boolean') return value ? 'true' : 'false';
  if (isNumber(value)) {
    const n = typeof value === 'bigint' ? value : value instanceof JavaDouble ? value : value;
    if (typeof n === 'number' && !Number.isFinite(n)) return JSON.stringify(formatDouble(n));
    return formatNumber(n);
  }
  if (value instanceof ZonedDateTime) return JSON.stringify(value.toIsoOffsetString());
  if (value instanceof Date) return JSON.stringify(value.toISOString());
  const inner = current + indent;
  const nl = indent ? '\n' : '';
  const sep = indent ? ' ' : '';
  if (Array.isArray(value)) {
    if (value.length === 0) return '[]';
    return `[${nl}${value.map((v) => inner + writeJson(v, indent, inner)).join(`,${nl}`)}${nl}${current}]`;
  }
  if (typeof value === 'object') {
    const entries = Object.entries(value as PebbleMap);
    if (entries.length === 0) return '{}';
    return `{${nl}${entries
      .map(([k, v]) => `${inner}${JSON.stringify(k)}:${sep}${writeJson(v, indent, inner)}`)
      .join(`,${nl}`)}${nl}${current}}`;
  }
  return JSON.stringify(String(value));
}

/** Converts parsed JSON/YAML numbers: integral numbers written with a decimal point stay doubles. */
export function fromJsonText(text: string): unknown {
  return JSON.parse(text, (_key, value: unknown, context?: { source?: string }) => {
    if (typeof value === 'number' && Number.isInteger(value) && context?.source && /[.eE]/.test(context.source)) {
      return new JavaDouble(value);
    }
    return value;
  });
}

/** Pebble's equality: numbers compare by value whatever their type, collections deeply. */
export function valuesEqual(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (a === undefined || b === undefined || a === null || b === null) return a == null && b == null;
  if (isNumber(a) && isNumber(b)) {
    if (typeof a === 'bigint' && typeof b === 'bigint') return a === b;
    return toNumber(a) === toNumber(b);
  }
  if (a instanceof ZonedDateTime && b instanceof ZonedDateTime) return a.compareTo(b) === 0;
  if (Array.isArray(a) && Array.isArray(b)) {
    return a.length === b.length && a.every((v, i) => valuesEqual(v, b[i]));
  }
  if (isMap(a) && isMap(b)) {
    const ka = Object.keys(a);
    const kb = Object.keys(b);
    return ka.length === kb.length && ka.every((k) => Object.prototype.hasOwnProperty.call(b, k) && valuesEqual(a[k], b[k]));
  }
  return false;
}

/** Ordering used by `<`, `>`, `sort`, `min`, `max`: numbers, strings, booleans and dates. */
export function compareValues(a: unknown, b: unknown): number {
  if (isNumber(a) && isNumber(b)) {
    const x = toNumber(a);
    const y = toNumber(b);
    return x < y ? -1 : x > y ? 1 : 0;
  }
  if (typeof a === 'string' && typeof b === 'string') return a < b ? -1 : a > b ? 1 : 0;
  if (typeof a === 'boolean' && typeof b === 'boolean') return Number(a) - Number(b);
  if (a instanceof ZonedDateTime && b instanceof ZonedDateTime) return a.compareTo(b);
  if (isNumber(a) && typeof b === 'string' && b.trim() !== '' && !Number.isNaN(Number(b))) return compareValues(a, Number(b));
  if (typeof a === 'string' && isNumber(b) && a.trim() !== '' && !Number.isNaN(Number(a))) return compareValues(Number(a), b);
  throw new TypeError(`cannot compare '${describe(a)}' with '${describe(b)}'`);
}

/** Truthiness for `if`, ternaries, `and`/`or`/`not` (Pebble casts to Boolean; be lenient). */
export function isTruthy(value: unknown): boolean {
  if (value === null || value === undefined) return false;
  if (typeof value === 'boolean') return value;
  if (isNumber(value)) return toNumber(value) !== 0;
  if (typeof value === 'string') return value !== '' && value.toLowerCase() !== 'false';
  return true;
}

/** Pebble's `empty` test: null, blank string, empty collection or map. */
export function isEmptyValue(value: unknown): boolean {
  if (value === null || value === undefined) return true;
  if (typeof value === 'string') return value.trim().length === 0;
  if (Array.isArray(value)) return value.length === 0;
  if (isMap(value)) return Object.keys(value).length === 0;
  return false;
}

/** Name of the Java class Kestra would hold for this value (`className` filter). */
export function javaClassName(value: unknown): string {
  if (value === null || value === undefined) return '';
  if (typeof value === 'string') return 'java.lang.String';
  if (typeof value === 'boolean') return 'java.lang.Boolean';
  if (typeof value === 'bigint') return 'java.lang.Long';
  if (value instanceof JavaDouble) return 'java.lang.Double';
  if (typeof value === 'number') {
    if (!Number.isInteger(value)) return 'java.lang.Double';
    return Math.abs(value) <= 2147483647 ? 'java.lang.Integer' : 'java.lang.Long';
  }
  if (value instanceof ZonedDateTime) return 'java.time.ZonedDateTime';
  if (Array.isArray(value)) return 'java.util.ArrayList';
  return 'java.util.LinkedHashMap';
}

/** Short description of a value for error messages. */
export function describe(value: unknown): string {
  if (value === undefined) return 'undefined';
  const text = toText(value);
  return text.length > 40 ? `${text.slice(0, 40)}…` : text === '' && value === null ? 'null' : text;
}
