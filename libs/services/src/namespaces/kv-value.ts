import { isDuration } from '@osprey/flow-model';

/** Kestra's KV value types, as `GET /api/v1/namespaces/{namespace}/kv/{key}` reports them. */
export type KvType = 'STRING' | 'NUMBER' | 'BOOLEAN' | 'DATETIME' | 'DATE' | 'DURATION' | 'JSON';

const KEY = /^[A-Za-z0-9][A-Za-z0-9._-]*$/;

export function isKvKey(key: string): boolean {
  return typeof key === 'string' && key.length <= 255 && KEY.test(key);
}

/** As Kestra reads a `PUT` body: JSON when it parses (numbers, booleans, objects, quoted strings), else the text itself. */
export function parseKvBody(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    // Not JSON: Kestra keeps such a body as a plain string.
    return text;
  }
}

export function kvType(value: unknown): KvType {
  if (typeof value === 'number') return 'NUMBER';
  if (typeof value === 'boolean') return 'BOOLEAN';
  if (typeof value === 'string') {
    if (/^\d{4}-\d{2}-\d{2}$/.test(value) && !Number.isNaN(Date.parse(value))) return 'DATE';
    if (/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}/.test(value) && !Number.isNaN(Date.parse(value))) return 'DATETIME';
    if (isDuration(value)) return 'DURATION';
    return 'STRING';
  }
  return 'JSON';
}
