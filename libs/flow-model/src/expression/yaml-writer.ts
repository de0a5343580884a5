import { isMap, isNumber, toText } from './pebble-values.js';
import { ZonedDateTime } from './zoned-date-time.js';

/** Plain scalars that a YAML reader would not read back as the same string need quotes. */
function needsQuotes(text: string): boolean {
  if (text === '') return true;
  if (/^(?:true|false|yes|no|on|off|y|n|null|~)$/i.test(text)) return true;
  if (/^[-+]?(?:\d[\d_]*(?:\.\d*)?|\.\d+)(?:[eE][-+]?\d+)?$/.test(text) || /^0x[0-9a-f]+$/i.test(text) || /^[-+]?\.(?:inf|nan)$/i.test(text)) return true;
  if (/^[\s\-?:,[\]{}#&*!|>'"%@`]/.test(text) || /\s$/.test(text)) return !/^-[^\s]/.test(text) || /^-\d/.test(text);
  if (/: |\s#|[\n\r\t]/.test(text) || text.endsWith(':')) return true;
  return false;
}

function scalar(value: unknown): string {
  if (value === null || value === undefined) return 'null';
  if (typeof value === 'string') return needsQuotes(value) ? JSON.stringify(value) : value;
  if (value instanceof ZonedDateTime) return value.toIsoOffsetString();
  if (isNumber(value) || typeof value === 'boolean') return toText(value);
  return JSON.stringify(toText(value));
}

function isCollection(value: unknown): boolean {
  return (Array.isArray(value) && value.length > 0) || (isMap(value) && Object.keys(value).length > 0);
}

function lines(value: unknown, indent: string, out: string[]): void {
  if (Array.isArray(value)) {
    for (const item of value) {
      if (isCollection(item)) {
        const nested: string[] = [];
        lines(item, '', nested);
        out.push(`${indent} - ${nested[0]!.trimStart()}`);
        for (const l of nested.slice(1)) out.push(`${indent}   ${l}`);
      } else out.push(`${indent} - ${emptyOrScalar(item)}`);
    }
    return;
  }
  for (const [k, v] of Object.entries(value as Record<string, unknown>)) {
    const key = needsQuotes(k) ? JSON.stringify(k) : k;
    if (isCollection(v)) {
      out.push(`${indent}${key}:`);
      lines(v, Array.isArray(v) ? indent : indent + '  ', out);
    } else out.push(`${indent}${key}: ${emptyOrScalar(v)}`);
  }
}

function emptyOrScalar(value: unknown): string {
  if (Array.isArray(value)) return '[]';
  if (isMap(value)) return '{}';
  return scalar(value);
}

/** YAML text the way Kestra's `yaml` filter writes it (Jackson YAML, no document marker). */
export function toYaml(value: unknown): string {
  if (!isCollection(value)) return `${emptyOrScalar(value)}\n`;
  const out: string[] = [];
  lines(value, '', out);
  return out.join('\n') + '\n';
}
