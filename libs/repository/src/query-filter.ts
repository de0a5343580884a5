import type { Label, StateType } from '@osprey/flow-model';
import { InvalidQueryError } from './invalid-query-error.js';

/**
 * Kestra's search filters (`filters[field][OPERATION]=value`): the fields each resource takes, the operations each
 * field takes, and the values they accept. The API parses and checks them; every repository adapter applies them in
 * its query, so paging and totals count only what matches.
 */

export const FILTER_OPERATIONS = [
  'EQUALS',
  'NOT_EQUALS',
  'GREATER_THAN',
  'LESS_THAN',
  'GREATER_THAN_OR_EQUAL_TO',
  'LESS_THAN_OR_EQUAL_TO',
  'IN',
  'NOT_IN',
  'STARTS_WITH',
  'ENDS_WITH',
  'CONTAINS',
  'REGEX',
  'PREFIX',
] as const;
export type FilterOperation = (typeof FILTER_OPERATIONS)[number];

const TEXT_OPS: readonly FilterOperation[] = ['EQUALS', 'NOT_EQUALS', 'CONTAINS', 'STARTS_WITH', 'ENDS_WITH', 'IN', 'NOT_IN'];
const NAME_OPS: readonly FilterOperation[] = [...TEXT_OPS, 'REGEX', 'PREFIX'];
const DATE_OPS: readonly FilterOperation[] = ['GREATER_THAN_OR_EQUAL_TO', 'GREATER_THAN', 'LESS_THAN_OR_EQUAL_TO', 'LESS_THAN', 'EQUALS', 'NOT_EQUALS'];
const IS_OPS: readonly FilterOperation[] = ['EQUALS', 'NOT_EQUALS'];
const SET_OPS: readonly FilterOperation[] = ['EQUALS', 'NOT_EQUALS', 'IN', 'NOT_IN'];

/** Every filter field and the operations it takes (Kestra's `QueryFilter.Field`). */
export const FILTER_FIELDS = {
  q: IS_OPS,
  scope: IS_OPS,
  namespace: NAME_OPS,
  kind: SET_OPS,
  labels: ['EQUALS', 'NOT_EQUALS', 'IN', 'NOT_IN', 'CONTAINS'],
  flowId: NAME_OPS,
  updated: DATE_OPS,
  startDate: DATE_OPS,
  endDate: DATE_OPS,
  state: SET_OPS,
  timeRange: ['EQUALS'],
  triggerExecutionId: TEXT_OPS,
  triggerId: TEXT_OPS,
  triggerState: IS_OPS,
  executionId: TEXT_OPS,
  childFilter: IS_OPS,
  workerId: TEXT_OPS,
  level: IS_OPS,
} as const satisfies Record<string, readonly FilterOperation[]>;
export type FilterField = keyof typeof FILTER_FIELDS;

export type FilterResource = 'flow' | 'execution' | 'taskRun' | 'log' | 'trigger' | 'kv' | 'kvAll';

/**
 * The fields each resource's searches take. `timeRange` is turned into a `startDate` bound by the API (it needs the
 * clock), so repositories never see it. A task run's `labels`, `triggerExecutionId` and `childFilter` are its
 * execution's: the SQL repositories join it; the search repositories read the copy each task-run document holds.
 */
export const RESOURCE_FIELDS: Record<FilterResource, readonly FilterField[]> = {
  flow: ['q', 'scope', 'namespace', 'labels', 'flowId'],
  execution: ['q', 'scope', 'namespace', 'flowId', 'startDate', 'endDate', 'timeRange', 'state', 'labels', 'triggerExecutionId', 'childFilter', 'kind'],
  taskRun: ['q', 'scope', 'namespace', 'flowId', 'startDate', 'endDate', 'timeRange', 'state', 'executionId', 'labels', 'triggerExecutionId', 'childFilter'],
  log: ['q', 'scope', 'namespace', 'flowId', 'startDate', 'endDate', 'timeRange', 'triggerId', 'level', 'executionId'],
  trigger: ['q', 'scope', 'namespace', 'flowId', 'startDate', 'endDate', 'timeRange', 'triggerId', 'triggerState', 'workerId'],
  kv: ['q', 'updated'],
  /** The keys of every namespace (`GET /kv`). */
  kvAll: ['q', 'namespace', 'updated'],
};

/** Fields whose value is one of a fixed set (checked case-insensitively, stored upper-case but for triggerState). */
export const FILTER_VALUES: Partial<Record<FilterField, readonly string[]>> = {
  scope: ['USER', 'SYSTEM'],
  kind: ['NORMAL', 'TEST', 'PLAYGROUND'],
  state: ['CREATED', 'QUEUED', 'RUNNING', 'PAUSED', 'RESTARTED', 'KILLING', 'SUCCESS', 'WARNING', 'FAILED', 'KILLED', 'CANCELLED', 'SKIPPED', 'RETRYING', 'RETRIED', 'BREAKPOINT'],
  childFilter: ['CHILD', 'MAIN'],
  level: ['TRACE', 'DEBUG', 'INFO', 'WARN', 'ERROR'],
  triggerState: ['ENABLED', 'DISABLED'],
};

/** The namespace of system flows (Kestra's `kestra.system-flows.namespace` default), what `scope` tells apart. */
export const SYSTEM_NAMESPACE = 'system';

/** Executions Osprey creates are all of Kestra's NORMAL kind (it has no test or playground runs). */
export const EXECUTION_KIND = 'NORMAL';

/**
 * One parsed filter. `values` holds one value, or several for IN/NOT_IN (and labels given as a map). Dates are ISO
 * instants (UTC), enumerations upper-case, labels `{key, value}` pairs in `labels`.
 */
export interface QueryFilter {
  field: FilterField;
  operation: FilterOperation;
  values: readonly string[];
  labels?: readonly Label[];
}

/** The parameter name a filter came from, as the user wrote it, for error messages. */
export function filterName(filter: Pick<QueryFilter, 'field' | 'operation'>): string {
  return `filters[${filter.field}][${filter.operation}]`;
}

/** Whether `field` is a filter field at all. */
export function isFilterField(field: string): field is FilterField {
  return Object.prototype.hasOwnProperty.call(FILTER_FIELDS, field);
}

export function isFilterOperation(operation: string): operation is FilterOperation {
  return (FILTER_OPERATIONS as readonly string[]).includes(operation);
}

/**
 * Refuses a filter `resource` does not take, an operation its field does not take, or a value outside the field's
 * set; an adapter calls this before building its query, so a direct caller gets the same refusals as the API.
 */
export function checkFilters(resource: FilterResource, filters: readonly QueryFilter[] | undefined): void {
  for (const filter of filters ?? []) {
    const name = filterName(filter);
    if (!RESOURCE_FIELDS[resource].includes(filter.field)) {
      throw new InvalidQueryError(`${name}: ${resource} searches take no ${filter.field} filter; fields: ${RESOURCE_FIELDS[resource].join(', ')}`, name);
    }
    const ops: readonly FilterOperation[] = FILTER_FIELDS[filter.field];
    if (!ops.includes(filter.operation)) {
      throw new InvalidQueryError(`${name}: ${filter.field} takes no ${filter.operation} operation; operations: ${ops.join(', ')}`, name);
    }
    const multi = filter.operation === 'IN' || filter.operation === 'NOT_IN';
    // Labels come as {key, value} pairs, but CONTAINS looks for one text in them.
    const pairs = filter.field === 'labels' && filter.operation !== 'CONTAINS';
    const count = pairs ? (filter.labels?.length ?? 0) : filter.values.length;
    if (count === 0) throw new InvalidQueryError(`${name}: give a value`, name);
    if (!multi && !pairs && count > 1) throw new InvalidQueryError(`${name}: takes one value, got ${count}`, name);
    const allowed = FILTER_VALUES[filter.field];
    for (const value of filter.values) {
      if (allowed && !allowed.includes(value)) throw new InvalidQueryError(`${name}: ${JSON.stringify(value)} is not one of ${allowed.join(', ')}`, name);
    }
  }
}

/** The states a `state` filter names. */
export function filterStates(filter: QueryFilter): StateType[] {
  return filter.values as StateType[];
}

/** Whether an operation selects what does *not* match its positive form (NOT_EQUALS, NOT_IN). */
export function isNegated(operation: FilterOperation): boolean {
  return operation === 'NOT_EQUALS' || operation === 'NOT_IN';
}
