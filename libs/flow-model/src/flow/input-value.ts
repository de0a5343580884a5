import { parse as parseYaml } from 'yaml';
import { parseDuration, isDuration } from './duration.js';
import type { FlowInput, InputType } from './flow.js';
import { isInputType } from './input-types.js';
import { flag } from './flag.js';

/** Why one input value was refused; the caller adds which input it was. */
export class InputValueError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'InputValueError';
  }
}

// Kestra's FlowInputOutput.URI_PATTERN.
const URI_PATTERN =
  /^[a-z]+:\/\/(?:www\.)?[-a-zA-Z0-9@:%._+~#=]{1,256}\.[a-zA-Z0-9()]{1,6}\b(?:[-a-zA-Z0-9()@:%_+.~#?&/=]*)$/;
// Kestra's EmailInput.EMAIL_PATTERN.
const EMAIL_PATTERN = /^$|^[a-zA-Z0-9_!#$%&’*+/=?`{|}~^.-]+@[a-zA-Z0-9.-]+$/;
const INSTANT = /^([+-]?\d{4,})-(\d{2})-(\d{2})T(\d{2}):(\d{2})(?::(\d{2})(?:[.,](\d{1,9}))?)?(Z|[+-]\d{2}(?::?\d{2}(?::?\d{2})?)?)$/i;
const LOCAL_DATE = /^(\d{4})-(\d{2})-(\d{2})$/;
const LOCAL_TIME = /^(\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,9}))?)?$/;

/**
 * Converts one value (text from a form or command line, or already-typed JSON) to the input's
 * declared type and checks the type's validators. Throws {@link InputValueError}.
 */
export function coerceInputValue(input: FlowInput, value: unknown): unknown {
  const converted = convert(input.type, value, input);
  checkValidators(input, converted);
  return converted;
}

function convert(type: InputType, value: unknown, input: FlowInput): unknown {
  switch (type) {
    case 'STRING':
    case 'SECRET':
    case 'EMAIL':
    case 'FILE':
    case 'SELECT':
    case 'ENUM':
      return text(type, value);
    case 'INT': {
      const n = typeof value === 'number' ? value : /^\s*[+-]?\d+\s*$/.test(text(type, value)) ? Number(value) : NaN;
      if (!Number.isInteger(n)) throw mismatch(type, value);
      if (n < -2147483648 || n > 2147483647) throw new InputValueError(`${display(value)} is out of the INT range`);
      return n;
    }
    case 'FLOAT': {
      const n =
        typeof value === 'number' ? value : /^\s*[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?\s*$/.test(text(type, value)) ? Number(value) : NaN;
      if (!Number.isFinite(n)) throw mismatch(type, value);
      return n;
    }
    case 'BOOLEAN':
    case 'BOOL': {
      if (typeof value === 'boolean') return value;
      const t = text(type, value).trim().toLowerCase();
      if (t === 'true' || t === 'false') return t === 'true';
      throw mismatch(type, value);
    }
    case 'DATETIME':
      return formatInstant(value instanceof Date ? value.toISOString() : text(type, value));
    case 'DATE': {
      const t = text(type, value);
      if (!isLocalDate(t)) throw mismatch(type, value);
      return t;
    }
    case 'TIME':
      return formatLocalTime(text(type, value));
    case 'DURATION': {
      const t = text(type, value);
      if (!isDuration(t)) throw mismatch(type, value);
      return t;
    }
    case 'JSON':
      if (typeof value !== 'string') return value;
      try {
        return JSON.parse(value);
      } catch (error) {
        throw new InputValueError(`expected JSON but received ${display(value)}: ${(error as Error).message}`);
      }
    case 'YAML':
      if (typeof value !== 'string') return value;
      try {
        return parseYaml(value);
      } catch (error) {
        throw new InputValueError(`expected YAML but received ${display(value)}: ${(error as Error).message}`);
      }
    case 'URI': {
      const t = text(type, value);
      if (!URI_PATTERN.test(t)) throw mismatch(type, value);
      return t;
    }
    case 'ARRAY':
    case 'MULTISELECT': {
      const list = toList(type, value);
      const itemType = input.itemType ?? (type === 'MULTISELECT' ? 'STRING' : undefined);
      if (!isInputType(itemType)) return list;
      return list.map((item) => {
        try {
          return convert(itemType, item, input);
        } catch (error) {
          throw new InputValueError(`unable to parse array element ${display(item)} as ${itemType}: ${(error as Error).message}`);
        }
      });
    }
  }
}

function checkValidators(input: FlowInput, value: unknown): void {
  switch (input.type) {
    case 'STRING':
    case 'SECRET': {
      const s = value as string;
      if (typeof input.validator === 'string' && !fullMatch(input.validator, s)) {
        throw new InputValueError(`it must match the pattern \`${input.validator}\``);
      }
      if (typeof input.minLength === 'number' && s.length < input.minLength) {
        throw new InputValueError(`it must be at least ${input.minLength} characters long`);
      }
      if (typeof input.maxLength === 'number' && s.length > input.maxLength) {
        throw new InputValueError(`it must be at most ${input.maxLength} characters long`);
      }
      return;
    }
    case 'EMAIL':
      if (!EMAIL_PATTERN.test(value as string)) throw new InputValueError('it must be a valid email');
      return;
    case 'INT':
    case 'FLOAT':
      checkRange(input, value as number, (bound) => (typeof bound === 'number' ? bound : Number(bound)), String);
      return;
    case 'DATETIME':
      checkRange(input, value as string, (bound) => Date.parse(formatInstant(String(bound))), String, Date.parse);
      return;
    case 'DATE':
      checkRange(input, value as string, (bound) => String(bound), String);
      return;
    case 'TIME':
      checkRange(input, value as string, (bound) => secondOfDay(formatLocalTime(String(bound))), String, secondOfDay);
      return;
    case 'DURATION':
      checkRange(input, value as string, (bound) => parseDuration(String(bound)), String, parseDuration);
      return;
    case 'SELECT':
    case 'ENUM':
      checkAllowed(input, [value]);
      return;
    case 'MULTISELECT':
      checkAllowed(input, value as unknown[]);
      return;
    default:
      return;
  }
}

/** min/max for numbers and durations, after/before for dates and times. */
function checkRange<T, K extends number | string>(
  input: FlowInput,
  value: T,
  bound: (raw: unknown) => K,
  show: (raw: unknown) => string,
  key: (value: T) => K = (v) => v as unknown as K,
): void {
  const lowName = input.type === 'INT' || input.type === 'FLOAT' || input.type === 'DURATION' ? 'min' : 'after';
  const highName = lowName === 'min' ? 'max' : 'before';
  const low = input[lowName];
  const high = input[highName];
  const k = key(value);
  if (low !== undefined && low !== null && k < bound(low)) {
    throw new InputValueError(lowName === 'min' ? `it must be at least ${show(low)}` : `it must be after ${show(low)}`);
  }
  if (high !== undefined && high !== null && k > bound(high)) {
    throw new InputValueError(highName === 'max' ? `it must be at most ${show(high)}` : `it must be before ${show(high)}`);
  }
}

function checkAllowed(input: FlowInput, values: unknown[]): void {
  const allowed = Array.isArray(input.values) ? input.values : Array.isArray(input.options) ? input.options : undefined;
  if (!allowed || flag(input.allowCustomValue, false)) return;
  const allowedText = allowed.map(String);
  for (const value of values) {
    if (!allowedText.includes(String(value))) {
      throw new InputValueError(`${display(value)} is not one of the values [${allowedText.join(', ')}]`);
    }
  }
}

/** Java's `String.matches`: the whole text must match. */
function fullMatch(pattern: string, value: string): boolean {
  return new RegExp(`^(?:${pattern})$`).test(value);
}

function text(type: InputType, value: unknown): string {
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'boolean' || typeof value === 'bigint') return String(value);
  throw mismatch(type, value);
}

function toList(type: InputType, value: unknown): unknown[] {
  if (Array.isArray(value)) return value;
  if (typeof value === 'string') {
    let parsed: unknown;
    try {
      parsed = JSON.parse(value);
    } catch {
      throw new InputValueError(`expected ${type} (a JSON list) but received ${display(value)}`);
    }
    if (Array.isArray(parsed)) return parsed;
  }
  throw new InputValueError(`expected ${type} (a list) but received ${display(value)}`);
}

function mismatch(type: InputType, value: unknown): InputValueError {
  return new InputValueError(`expected ${type} but received ${display(value)}`);
}

function display(value: unknown): string {
  return typeof value === 'string' ? `'${value}'` : JSON.stringify(value) ?? String(value);
}

function isLocalDate(t: string): boolean {
  const m = LOCAL_DATE.exec(t);
  if (!m) return false;
  const [year, month, day] = [Number(m[1]), Number(m[2]), Number(m[3])];
  const date = new Date(Date.UTC(year, month - 1, day));
  return date.getUTCFullYear() === year && date.getUTCMonth() === month - 1 && date.getUTCDate() === day;
}

/**
 * Parses an ISO-8601 instant with a zone offset and prints it like Java's `Instant.toString()`
 * (UTC, `Z`, fraction only when non-zero, in groups of 3 digits), which is what Kestra renders.
 */
export function formatInstant(t: string): string {
  const m = INSTANT.exec(t.trim());
  if (!m) throw new InputValueError(`expected DATETIME (an ISO-8601 instant such as 2024-01-31T10:00:00Z) but received '${t}'`);
  const [, y, mo, d, h, mi, s = '0', fraction = '', zone] = m;
  const [year, month, day, hour, minute, second] = [y, mo, d, h, mi, s].map(Number) as [number, number, number, number, number, number];
  if (!isLocalDate(`${y}-${mo}-${d}`) || hour > 23 || minute > 59 || second > 59) {
    throw new InputValueError(`expected DATETIME but received '${t}'`);
  }
  let offsetSeconds = 0;
  if (zone!.toUpperCase() !== 'Z') {
    const digits = zone!.slice(1).replace(/:/g, '');
    offsetSeconds = Number(digits.slice(0, 2)) * 3600 + Number(digits.slice(2, 4) || 0) * 60 + Number(digits.slice(4, 6) || 0);
    if (zone![0] === '-') offsetSeconds = -offsetSeconds;
  }
  const epochMs = Date.UTC(year, month - 1, day, hour, minute, second) - offsetSeconds * 1000;
  const base = new Date(epochMs).toISOString().slice(0, 19);
  return `${base}${javaFraction(fraction)}Z`;
}

/** Prints a LocalTime like Java's `LocalTime.toString()`: `HH:mm`, then `:ss` and a fraction only when non-zero. */
function formatLocalTime(t: string): string {
  const m = LOCAL_TIME.exec(t.trim());
  if (!m || Number(m[1]) > 23 || Number(m[2]) > 59 || Number(m[3] ?? 0) > 59) {
    throw new InputValueError(`expected TIME (such as 10:15 or 10:15:30) but received '${t}'`);
  }
  const [, hh, mm, ss = '00', fraction = ''] = m;
  const frac = javaFraction(fraction);
  if (ss === '00' && frac === '') return `${hh}:${mm}`;
  return `${hh}:${mm}:${ss}${frac}`;
}

function javaFraction(fraction: string): string {
  const digits = fraction.padEnd(9, '0');
  if (/^0+$/.test(digits)) return '';
  if (digits.endsWith('000000')) return `.${digits.slice(0, 3)}`;
  if (digits.endsWith('000')) return `.${digits.slice(0, 6)}`;
  return `.${digits}`;
}

function secondOfDay(time: string): number {
  const [h, m, s = '0'] = time.split(':');
  return Number(h) * 3600 + Number(m) * 60 + Number(s);
}
