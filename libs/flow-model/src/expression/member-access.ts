import { double, isMap, isNumber, JavaDouble, toNumber, toText, valuesEqual } from './pebble-values.js';
import { ZonedDateTime } from './zoned-date-time.js';

/** Result of looking up an attribute: found (value may be null) or missing. */
export type Lookup = { found: true; value: unknown } | { found: false };

const MISSING: Lookup = { found: false };

function found(value: unknown): Lookup {
  return { found: true, value };
}

const DAY_NAMES = ['MONDAY', 'TUESDAY', 'WEDNESDAY', 'THURSDAY', 'FRIDAY', 'SATURDAY', 'SUNDAY'];
const MONTH_NAMES = ['JANUARY', 'FEBRUARY', 'MARCH', 'APRIL', 'MAY', 'JUNE', 'JULY', 'AUGUST', 'SEPTEMBER', 'OCTOBER', 'NOVEMBER', 'DECEMBER'];

function indexOf(key: unknown): number | undefined {
  if (isNumber(key)) return toNumber(key);
  if (typeof key === 'string' && /^-?\d+$/.test(key)) return Number(key);
  return undefined;
}

/**
 * `obj.key` / `obj[key]` as Pebble resolves them: map keys, list indexes, and the Java getters
 * that flows use on strings, lists and dates (`list.size`, `text.length`, `date.year`).
 */
export function getAttribute(obj: unknown, key: unknown): Lookup {
  if (Array.isArray(obj)) {
    const index = indexOf(key);
    if (index !== undefined) return index >= 0 && index < obj.length ? found(obj[index]) : MISSING;
    return propertyMethod(obj, String(key));
  }
  if (isMap(obj)) {
    const k = isNumber(key) ? toText(key) : String(key);
    return Object.prototype.hasOwnProperty.call(obj, k) ? found(obj[k]) : MISSING;
  }
  if (typeof obj === 'string') return propertyMethod(obj, String(key));
  if (obj instanceof ZonedDateTime) {
    const l = obj.local();
    switch (key) {
      case 'year':
        return found(l.year);
      case 'monthValue':
        return found(l.month);
      case 'month':
        return found(MONTH_NAMES[l.month - 1]);
      case 'dayOfMonth':
        return found(l.day);
      case 'dayOfYear':
        return found(obj.dayOfYear());
      case 'dayOfWeek':
        return found(DAY_NAMES[obj.dayOfWeek() - 1]);
      case 'hour':
        return found(l.hour);
      case 'minute':
        return found(l.minute);
      case 'second':
        return found(l.second);
      case 'nano':
        return found(l.nano);
      case 'zone':
        return found(obj.zone.id);
      case 'epochSecond':
        return found(obj.epochSecond);
      default:
        return MISSING;
    }
  }
  return MISSING;
}

/** Java no-argument getters reachable as properties (`list.size`, `str.empty`). */
function propertyMethod(obj: string | unknown[], name: string): Lookup {
  switch (name) {
    case 'size':
    case 'length':
      return found(obj.length);
    case 'empty':
    case 'isEmpty':
      return found(obj.length === 0);
    default:
      return MISSING;
  }
}

function javaRegex(pattern: string, flags = ''): RegExp {
  return new RegExp(pattern.replace(/\(\?<([a-zA-Z])/g, '(?<$1').replace(/\\Q(.*?)\\E/g, (_m, lit: string) => lit.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')), flags);
}

/** Java's String.split: a regex, trailing empty strings removed unless a limit is given. */
export function javaSplit(text: string, regex: string, limit = 0): string[] {
  const re = regex.length === 1 && !'.$|()[{^?*+\\'.includes(regex) ? regex : javaRegex(regex, 'g');
  let parts: string[];
  if (limit > 0) {
    parts = [];
    let rest = text;
    while (parts.length < limit - 1) {
      const m = typeof re === 'string' ? (rest.indexOf(re) >= 0 ? { index: rest.indexOf(re), 0: re } : null) : new RegExp(re.source).exec(rest);
      if (!m || (m[0] === '' && m.index === 0)) break;
      parts.push(rest.slice(0, m.index));
      rest = rest.slice(m.index + m[0].length);
    }
    parts.push(rest);
    return parts;
  }
  parts = text.split(re);
  if (text.length > 0 && parts.length > 1 && parts[0] === '' && typeof re !== 'string' && new RegExp('^(?:' + re.source + ')').exec(text)?.[0] === '') {
    parts.shift();
  }
  while (parts.length > 1 && parts[parts.length - 1] === '') parts.pop();
  if (text === '') return [''];
  return parts;
}

/** `obj.name(args)`: the Java methods flows call on strings, lists and maps. */
export function callMethod(obj: unknown, name: string, args: unknown[]): Lookup {
  const a0 = args[0];
  if (typeof obj === 'string') {
    switch (name) {
      case 'length':
      case 'size':
        return found(obj.length);
      case 'isEmpty':
        return found(obj.length === 0);
      case 'isBlank':
        return found(obj.trim().length === 0);
      case 'toUpperCase':
        return found(obj.toUpperCase());
      case 'toLowerCase':
        return found(obj.toLowerCase());
      case 'trim':
      case 'strip':
        return found(obj.trim());
      case 'contains':
        return found(obj.includes(toText(a0)));
      case 'startsWith':
        return found(obj.startsWith(toText(a0)));
      case 'endsWith':
        return found(obj.endsWith(toText(a0)));
      case 'indexOf':
        return found(obj.indexOf(toText(a0)));
      case 'lastIndexOf':
        return found(obj.lastIndexOf(toText(a0)));
      case 'substring':
        return found(args.length > 1 ? obj.substring(toNumber(a0), toNumber(args[1])) : obj.substring(toNumber(a0)));
      case 'charAt':
        return found(obj.charAt(toNumber(a0)));
      case 'replace':
        return found(obj.split(toText(a0)).join(toText(args[1])));
      case 'replaceAll':
        return found(obj.replace(javaRegex(toText(a0), 'g'), toText(args[1]).replace(/\$(\d)/g, '$$$1')));
      case 'matches':
        return found(javaRegex(`^(?:${toText(a0)})$`).test(obj));
      case 'split':
        return found(javaSplit(obj, toText(a0), args.length > 1 ? toNumber(args[1]) : 0));
      case 'equals':
        return found(obj === a0);
      case 'equalsIgnoreCase':
        return found(typeof a0 === 'string' && obj.toLowerCase() === a0.toLowerCase());
      case 'concat':
        return found(obj + toText(a0));
      case 'toString':
        return found(obj);
      default:
        return MISSING;
    }
  }
  if (Array.isArray(obj)) {
    switch (name) {
      case 'size':
        return found(obj.length);
      case 'isEmpty':
        return found(obj.length === 0);
      case 'get':
        return found(obj[toNumber(a0)]);
      case 'contains':
        return found(obj.some((v) => valuesEqual(v, a0)));
      case 'indexOf':
        return found(obj.findIndex((v) => valuesEqual(v, a0)));
      case 'subList':
        return found(obj.slice(toNumber(a0), toNumber(args[1])));
      default:
        return MISSING;
    }
  }
  if (isMap(obj)) {
    switch (name) {
      case 'size':
        return found(Object.keys(obj).length);
      case 'isEmpty':
        return found(Object.keys(obj).length === 0);
      case 'get':
        return found(obj[toText(a0)] ?? null);
      case 'getOrDefault':
        return found(Object.prototype.hasOwnProperty.call(obj, toText(a0)) ? obj[toText(a0)] : args[1]);
      case 'containsKey':
        return found(Object.prototype.hasOwnProperty.call(obj, toText(a0)));
      case 'containsValue':
        return found(Object.values(obj).some((v) => valuesEqual(v, a0)));
      case 'keySet':
        return found(Object.keys(obj));
      case 'values':
        return found(Object.values(obj));
      default: {
        const value = obj[name];
        return typeof value === 'function' ? found((value as (...a: unknown[]) => unknown)(...args)) : MISSING;
      }
    }
  }
  if (isNumber(obj)) {
    switch (name) {
      case 'intValue':
      case 'longValue':
        return found(Math.trunc(toNumber(obj)));
      case 'doubleValue':
      case 'floatValue':
        return found(double(toNumber(obj)));
      case 'toString':
        return found(toText(obj));
      default:
        return MISSING;
    }
  }
  if (obj instanceof JavaDouble) return MISSING;
  return MISSING;
}
