import { InvalidQueryError } from '../invalid-query-error.js';
import { checkFilters, EXECUTION_KIND, filterName, isNegated, SYSTEM_NAMESPACE, type FilterField, type FilterResource, type QueryFilter } from '../query-filter.js';
import { normalizeDate } from './sql-paging.js';
import { escapeLike, type SqlDialect, type SqlWhere } from '@osprey/sql';

/** Where a resource's filter fields live in its table. */
export interface SqlFilterColumns {
  /** Text columns of the name-like fields (namespace, flowId, executionId, ...); `nullable` ones may be NULL. */
  text: Partial<Record<FilterField, { column: string; nullable?: boolean }>>;
  /** Columns `q` searches, case-insensitively. */
  query: readonly string[];
  /** The date column startDate, endDate and updated bound (one column, as in Kestra). */
  date?: string;
  state?: string;
  labels?: string;
  /** The parent execution column childFilter tests. */
  parent?: string;
  /** The numeric level column and the level numbers, for the `level` (minimum level) filter. */
  level?: { column: string; values: Record<string, number> };
}

interface Condition {
  sql: string;
  params: unknown[];
}

const TRUE: Condition = { sql: '1 = 1', params: [] };
const FALSE: Condition = { sql: '1 = 0', params: [] };

function not(condition: Condition): Condition {
  return { sql: `NOT (${condition.sql})`, params: condition.params };
}

function any(conditions: Condition[]): Condition {
  if (conditions.length === 1) return conditions[0]!;
  return { sql: `(${conditions.map((c) => c.sql).join(' OR ')})`, params: conditions.flatMap((c) => c.params) };
}

function all(conditions: Condition[]): Condition {
  if (conditions.length === 1) return conditions[0]!;
  return { sql: `(${conditions.map((c) => c.sql).join(' AND ')})`, params: conditions.flatMap((c) => c.params) };
}

/** Adds each filter to `where` (AND-ed), after checking that `resource` takes it. */
export function addSqlFilters(where: SqlWhere, dialect: SqlDialect, resource: FilterResource, filters: readonly QueryFilter[] | undefined, columns: SqlFilterColumns): void {
  checkFilters(resource, filters);
  for (const filter of filters ?? []) {
    const condition = sqlFilter(dialect, filter, columns);
    where.add(condition.sql, ...condition.params);
  }
}

function sqlFilter(dialect: SqlDialect, filter: QueryFilter, columns: SqlFilterColumns): Condition {
  const { field, operation, values } = filter;
  const negated = isNegated(operation);
  const unsupported = () => new InvalidQueryError(`${filterName(filter)}: not supported on this search`, filterName(filter));
  switch (field) {
    case 'q': {
      const like = `%${escapeLike(values[0]!.toLowerCase())}%`;
      const match = any(columns.query.map((c) => ({ sql: `lower(${c}) LIKE ? ESCAPE '!'`, params: [like] })));
      return negated ? not(match) : match;
    }
    case 'scope': {
      const namespace = columns.text.namespace?.column;
      if (!namespace) throw unsupported();
      const system = { sql: `${namespace} = ?`, params: [SYSTEM_NAMESPACE] };
      return (values[0] === 'SYSTEM') !== negated ? system : not(system);
    }
    case 'kind': {
      const match = values.includes(EXECUTION_KIND) ? TRUE : FALSE;
      return negated ? (match === TRUE ? FALSE : TRUE) : match;
    }
    case 'state': {
      if (!columns.state) throw unsupported();
      const list = dialect.in(columns.state, values);
      return negated ? not(list) : list;
    }
    case 'childFilter': {
      if (!columns.parent) throw unsupported();
      const child = values[0] === 'CHILD';
      return { sql: `${columns.parent} ${child !== negated ? 'IS NOT NULL' : 'IS NULL'}`, params: [] };
    }
    case 'level': {
      if (!columns.level) throw unsupported();
      const atLeast = { sql: `${columns.level.column} >= ?`, params: [columns.level.values[values[0]!]] };
      return negated ? not(atLeast) : atLeast;
    }
    case 'labels':
      return labelFilter(dialect, filter, columns);
    case 'startDate':
    case 'endDate':
    case 'updated':
      if (!columns.date) throw unsupported();
      return dateFilter(columns.date, filter);
    default: {
      const text = columns.text[field];
      if (!text) throw unsupported();
      return textFilter(dialect, text.column, text.nullable === true, filter);
    }
  }
}

function textFilter(dialect: SqlDialect, column: string, nullable: boolean, filter: QueryFilter): Condition {
  const value = filter.values[0]!;
  let positive: Condition;
  switch (filter.operation) {
    case 'EQUALS':
    case 'NOT_EQUALS':
      positive = { sql: `${column} = ?`, params: [value] };
      break;
    case 'IN':
    case 'NOT_IN':
      positive = dialect.in(column, filter.values);
      break;
    case 'CONTAINS':
      positive = dialect.textMatch(column, 'contains', value);
      break;
    case 'STARTS_WITH':
      positive = dialect.textMatch(column, 'startsWith', value);
      break;
    case 'ENDS_WITH':
      positive = dialect.textMatch(column, 'endsWith', value);
      break;
    case 'REGEX':
      positive = { sql: dialect.regex(column), params: [value] };
      break;
    case 'PREFIX': {
      const child = dialect.textMatch(column, 'startsWith', `${value}.`);
      positive = { sql: `(${column} = ? OR ${child.sql})`, params: [value, ...child.params] };
      break;
    }
    default:
      throw new InvalidQueryError(`${filterName(filter)}: not a text operation`, filterName(filter));
  }
  // A missing value (NULL) matches no positive condition, and so every negated one.
  if (nullable) positive = { sql: `(${column} IS NOT NULL AND ${positive.sql})`, params: positive.params };
  return isNegated(filter.operation) ? not(positive) : positive;
}

const DATE_COMPARISONS: Partial<Record<QueryFilter['operation'], string>> = {
  EQUALS: '=',
  NOT_EQUALS: '<>',
  GREATER_THAN: '>',
  GREATER_THAN_OR_EQUAL_TO: '>=',
  LESS_THAN: '<',
  LESS_THAN_OR_EQUAL_TO: '<=',
};

/** Stored dates are UTC `toISOString()` text: they compare as text once the bound is normalised the same way. */
function dateFilter(column: string, filter: QueryFilter): Condition {
  const comparison = DATE_COMPARISONS[filter.operation];
  if (!comparison) throw new InvalidQueryError(`${filterName(filter)}: not a date operation`, filterName(filter));
  return { sql: `${column} ${comparison} ?`, params: [normalizeDate(filter.values[0]!)] };
}

/**
 * Kestra's label filters: EQUALS has every label, NOT_EQUALS and NOT_IN have none of them, IN has at least one,
 * CONTAINS has a label whose key or value contains the text (case-insensitively).
 */
function labelFilter(dialect: SqlDialect, filter: QueryFilter, columns: SqlFilterColumns): Condition {
  const column = columns.labels;
  if (!column) throw new InvalidQueryError(`${filterName(filter)}: not supported on this search`, filterName(filter));
  if (filter.operation === 'CONTAINS') {
    return dialect.labelTextContains(column, `%${escapeLike(filter.values[0]!.toLowerCase())}%`);
  }
  const each = (filter.labels ?? []).map((label) => ({ sql: dialect.jsonContains(column), params: [JSON.stringify([{ key: label.key, value: label.value }])] }));
  switch (filter.operation) {
    case 'EQUALS':
      return all(each);
    case 'IN':
      return any(each);
    default:
      return not(any(each));
  }
}

/**
 * Runs a search whose REGEX filters the server compiles: a pattern it refuses (its syntax is not JavaScript's, which
 * the API checked) is the caller's InvalidQueryError naming the filter, not a server failure.
 */
export async function refusingInvalidRegex<T>(dialect: SqlDialect, filters: readonly QueryFilter[] | undefined, run: () => Promise<T>): Promise<T> {
  const regex = filters?.find((filter) => filter.operation === 'REGEX');
  if (!regex) return run();
  try {
    return await run();
  } catch (error) {
    if (!dialect.isInvalidRegex(error)) throw error;
    throw new InvalidQueryError(`${filterName(regex)}: the database cannot read this regular expression: ${(error as Error).message}`, filterName(regex));
  }
}
