import type { Label } from '@osprey/flow-model';
import { checkFilters, EXECUTION_KIND, isNegated, SYSTEM_NAMESPACE, type FilterField, type FilterResource, type QueryFilter } from './query-filter.js';

/** What a filter reads of one item: its value for each field it has (text, ISO date, labels, or a flag). */
export interface FilterTarget {
  text: Partial<Record<FilterField, string | undefined>>;
  /** Text `q` searches, case-insensitively. */
  query: readonly string[];
  /** The date startDate, endDate and updated bound. */
  date?: string;
  labels?: readonly Label[];
  disabled?: boolean;
}

/**
 * The filters applied to items held in memory whole (a flow's triggers merged with their states, a namespace's
 * keys), with the meaning the SQL and search adapters give them; the list is filtered before paging, so totals hold.
 */
export function matchesFilters(resource: FilterResource, filters: readonly QueryFilter[] | undefined, target: FilterTarget): boolean {
  checkFilters(resource, filters);
  return (filters ?? []).every((filter) => matches(filter, target));
}

function matches(filter: QueryFilter, target: FilterTarget): boolean {
  const { field, values } = filter;
  const negated = isNegated(filter.operation);
  const value = values[0]!;
  switch (field) {
    case 'q': {
      const text = value.toLowerCase();
      return target.query.some((q) => q.toLowerCase().includes(text)) !== negated;
    }
    case 'scope':
      return (target.text.namespace === SYSTEM_NAMESPACE) === (value === 'SYSTEM') !== negated;
    case 'kind':
      return values.includes(EXECUTION_KIND) !== negated;
    case 'triggerState':
      return target.disabled === (value === 'DISABLED') !== negated;
    case 'labels':
      return matchesLabels(filter, target.labels ?? []);
    case 'startDate':
    case 'endDate':
    case 'updated':
      return matchesDate(filter, target.date);
    default:
      return matchesText(filter, target.text[field]);
  }
}

export function matchesText(filter: QueryFilter, actual: string | undefined): boolean {
  const value = filter.values[0]!;
  let positive: boolean;
  if (actual === undefined) positive = false;
  else {
    switch (filter.operation) {
      case 'IN':
      case 'NOT_IN':
        positive = filter.values.includes(actual);
        break;
      case 'CONTAINS':
        positive = actual.includes(value);
        break;
      case 'STARTS_WITH':
        positive = actual.startsWith(value);
        break;
      case 'ENDS_WITH':
        positive = actual.endsWith(value);
        break;
      case 'REGEX':
        positive = new RegExp(value, 'u').test(actual);
        break;
      case 'PREFIX':
        positive = actual === value || actual.startsWith(`${value}.`);
        break;
      default:
        positive = actual === value;
    }
  }
  return positive !== isNegated(filter.operation);
}

function matchesDate(filter: QueryFilter, actual: string | undefined): boolean {
  if (actual === undefined) return filter.operation === 'NOT_EQUALS';
  const a = Date.parse(actual);
  const b = Date.parse(filter.values[0]!);
  switch (filter.operation) {
    case 'GREATER_THAN':
      return a > b;
    case 'GREATER_THAN_OR_EQUAL_TO':
      return a >= b;
    case 'LESS_THAN':
      return a < b;
    case 'LESS_THAN_OR_EQUAL_TO':
      return a <= b;
    case 'NOT_EQUALS':
      return a !== b;
    default:
      return a === b;
  }
}

function matchesLabels(filter: QueryFilter, labels: readonly Label[]): boolean {
  if (filter.operation === 'CONTAINS') {
    const text = filter.values[0]!.toLowerCase();
    return labels.some((l) => l.key.toLowerCase().includes(text) || String(l.value).toLowerCase().includes(text));
  }
  const has = (wanted: Label) => labels.some((l) => l.key === wanted.key && String(l.value) === wanted.value);
  const wanted = filter.labels ?? [];
  if (filter.operation === 'EQUALS') return wanted.every(has);
  if (filter.operation === 'IN') return wanted.some(has);
  return !wanted.some(has);
}
