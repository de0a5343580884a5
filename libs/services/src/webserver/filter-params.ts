import { DurationParseError, parseDuration, type Label } from '@osprey/flow-model';
import {
  FILTER_FIELDS,
  FILTER_OPERATIONS,
  FILTER_VALUES,
  RESOURCE_FIELDS,
  isFilterField,
  isFilterOperation,
  type FilterOperation,
  type FilterResource,
  type QueryFilter,
} from '@osprey/repository';
import { InvalidArgumentError } from '../invalid-argument-error.js';

/**
 * Reads a search endpoint's query string: Kestra's `filters[field][OPERATION]=value` filters beside the endpoint's
 * own simple parameters. Anything else — an unknown parameter, a field the resource does not take, an operation the
 * field does not take, a malformed value — is a 400 naming the parameter, never ignored.
 */

export type RawQuery = Record<string, unknown>;
export type Param = string | string[] | undefined;

export interface SearchQuerySpec {
  /** Which resource's filter fields the endpoint takes; none when it takes no filters. */
  resource?: FilterResource;
  /** The simple parameters the endpoint takes besides filters. */
  params: readonly string[];
  /**
   * Kestra's older simple parameters that are filters in disguise (`?timeRange=PT1H`, `?childFilter=MAIN`): each is
   * read as `filters[field][operation]`, a list as IN.
   */
  legacy?: Readonly<Record<string, { field: string; operation: FilterOperation }>>;
}

export interface SearchQuery {
  filters: QueryFilter[];
  params: Record<string, Param>;
}

const FILTER_KEY = /^filters\[([^\][]*)\]\[([^\][]*)\](?:\[([^\][]*)\])?$/;
const DATE_FIELDS = new Set(['startDate', 'endDate', 'updated']);

export function readSearchQuery(query: RawQuery, spec: SearchQuerySpec, now: Date = new Date()): SearchQuery {
  const params: Record<string, Param> = {};
  const grouped = new Map<string, { field: string; operation: string; name: string; values: string[]; labels: Label[] }>();
  for (const [key, raw] of flattenQuery(query)) {
    const legacy = spec.legacy?.[key];
    if (legacy && spec.resource) {
      const list = raw.length > 1 || raw.some((v) => v.includes(','));
      const operation = list && (FILTER_FIELDS as Record<string, readonly string[]>)[legacy.field]?.includes('IN') ? 'IN' : legacy.operation;
      checkField(spec.resource, legacy.field, operation, key);
      // Refusals name the parameter as given (`childFilter`), not the filter it stands for.
      const group = grouped.get(key) ?? { field: legacy.field, operation, name: key, values: [], labels: [] };
      grouped.set(key, group);
      group.values.push(...raw);
      continue;
    }
    if (key !== 'filters' && !key.startsWith('filters[')) {
      if (!spec.params.includes(key)) {
        const takes = [...spec.params, ...Object.keys(spec.legacy ?? {}), ...(spec.resource ? ['filters[field][OPERATION]'] : [])];
        throw new InvalidArgumentError(key, `unknown query parameter ${JSON.stringify(key)}; this endpoint takes ${takes.length > 0 ? takes.join(', ') : 'none'}`);
      }
      params[key] = raw.length === 1 ? raw[0] : raw;
      continue;
    }
    if (!spec.resource) throw new InvalidArgumentError(key, `${key}: this endpoint takes no filters`);
    const match = FILTER_KEY.exec(key);
    if (!match) throw new InvalidArgumentError(key, `${key}: write a filter as filters[field][OPERATION]=value`);
    const [, field, operation, labelKey] = match as unknown as [string, string, string, string | undefined];
    const name = `filters[${field}][${operation}]`;
    checkField(spec.resource, field, operation, name);
    if (labelKey !== undefined && field !== 'labels') throw new InvalidArgumentError(key, `${key}: only labels take a third [key] segment`);
    const group = grouped.get(name) ?? { field, operation, name, values: [], labels: [] };
    grouped.set(name, group);
    if (labelKey !== undefined) {
      if (labelKey === '') throw new InvalidArgumentError(key, `${key}: the label key is empty`);
      for (const value of raw) group.labels.push({ key: labelKey, value });
    } else {
      group.values.push(...raw);
    }
  }
  const filters = [...grouped.values()].map((g) => toFilter(g.field, g.operation as FilterOperation, g.name, g.values, g.labels, now));
  return { filters, params };
}

/** `key → values` of the query, whichever parser read it (Express's simple one keeps `filters[a][b]` as a key). */
export function flattenQuery(query: RawQuery, prefix = ''): [string, string[]][] {
  const entries: [string, string[]][] = [];
  for (const [key, value] of Object.entries(query)) {
    const name = prefix ? `${prefix}[${key}]` : key;
    if (value === undefined) continue;
    if (Array.isArray(value)) entries.push([name, value.map((v) => String(v))]);
    else if (typeof value === 'object' && value !== null) entries.push(...flattenQuery(value as RawQuery, name));
    else entries.push([name, [String(value)]]);
  }
  return entries;
}

function checkField(resource: FilterResource, field: string, operation: string, name: string): void {
  const fields = RESOURCE_FIELDS[resource];
  if (!isFilterField(field)) throw new InvalidArgumentError(name, `${name}: unknown filter field ${JSON.stringify(field)}; this endpoint filters on ${fields.join(', ')}`);
  if (!fields.includes(field)) throw new InvalidArgumentError(name, `${name}: this endpoint does not filter on ${field}; it filters on ${fields.join(', ')}`);
  if (!isFilterOperation(operation)) throw new InvalidArgumentError(name, `${name}: unknown operation ${JSON.stringify(operation)}; operations are ${FILTER_OPERATIONS.join(', ')}`);
  const ops: readonly FilterOperation[] = FILTER_FIELDS[field];
  if (!ops.includes(operation)) throw new InvalidArgumentError(name, `${name}: ${field} does not take ${operation}; it takes ${ops.join(', ')}`);
}

function toFilter(field: string, operation: FilterOperation, name: string, rawValues: string[], mapLabels: Label[], now: Date): QueryFilter {
  const multi = operation === 'IN' || operation === 'NOT_IN';
  // IN/NOT_IN take a list, repeated or comma-separated, as Kestra's do.
  const values = (multi ? rawValues.flatMap((v) => v.split(',')) : rawValues).map((v) => v.trim()).filter((v) => v !== '');
  if (field === 'labels') return labelFilter(operation, name, values, mapLabels);
  if (values.length === 0) throw new InvalidArgumentError(name, `${name}: give a value`);
  if (!multi && values.length > 1) throw new InvalidArgumentError(name, `${name}: given ${values.length} times; it takes one value`);
  if (field === 'timeRange') return { field: 'startDate', operation: 'GREATER_THAN_OR_EQUAL_TO', values: [new Date(now.getTime() - durationMs(values[0]!, name)).toISOString()] };
  if (DATE_FIELDS.has(field)) return { field: field as QueryFilter['field'], operation, values: [date(values[0]!, name)] };
  const allowed = FILTER_VALUES[field as QueryFilter['field']];
  if (allowed) {
    const upper = values.map((v) => v.toUpperCase());
    for (const v of upper) if (!allowed.includes(v)) throw new InvalidArgumentError(name, `${name}: ${JSON.stringify(v)} is not one of ${allowed.join(', ')}`);
    return { field: field as QueryFilter['field'], operation, values: upper };
  }
  if (operation === 'REGEX') {
    try {
      new RegExp(values[0]!, 'u');
    } catch (error) {
      throw new InvalidArgumentError(name, `${name}: not a regular expression: ${(error as Error).message}`);
    }
  }
  return { field: field as QueryFilter['field'], operation, values };
}

/** Labels as a map (`filters[labels][EQUALS][env]=prod`) or `key:value` texts; CONTAINS takes a plain text. */
function labelFilter(operation: FilterOperation, name: string, values: string[], mapLabels: Label[]): QueryFilter {
  if (operation === 'CONTAINS') {
    if (mapLabels.length > 0 || values.length !== 1) throw new InvalidArgumentError(name, `${name}: give one text to look for in label keys and values`);
    return { field: 'labels', operation, values };
  }
  const labels = [...mapLabels];
  for (const text of values) {
    const at = text.indexOf(':');
    if (at <= 0) throw new InvalidArgumentError(name, `${name}: label ${JSON.stringify(text)} must be key:value (or use ${name.slice(0, -1)}[key]=value)`);
    labels.push({ key: text.slice(0, at), value: text.slice(at + 1) });
  }
  if (labels.length === 0) throw new InvalidArgumentError(name, `${name}: give a label`);
  return { field: 'labels', operation, values: [], labels };
}

function date(text: string, name: string): string {
  const millis = Date.parse(text);
  if (Number.isNaN(millis)) throw new InvalidArgumentError(name, `${name}: ${JSON.stringify(text)} is not an ISO-8601 date-time`);
  return new Date(millis).toISOString();
}

function durationMs(text: string, name: string): number {
  try {
    return Math.abs(parseDuration(text));
  } catch (error) {
    if (error instanceof DurationParseError) throw new InvalidArgumentError(name, `${name}: ${error.message}`);
    throw error;
  }
}
