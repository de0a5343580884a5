import { InvalidQueryError } from '../invalid-query-error.js';
import { checkFilters, EXECUTION_KIND, filterName, isNegated, SYSTEM_NAMESPACE, type FilterField, type FilterResource, type QueryFilter } from '../query-filter.js';
import { labelTerm, type SearchFilter } from './search-query.js';
import { SearchRequestError } from './search-request-error.js';

/** Where a resource's filter fields live in its index (the search twin of SqlFilterColumns). */
export interface SearchFilterFields {
  /** Keyword fields of the name-like filters (namespace, flowId, executionId, ...). */
  text: Partial<Record<FilterField, string>>;
  /** Keyword (or wildcard) fields `q` searches, case-insensitively. */
  query: readonly string[];
  /** The date field startDate, endDate and updated bound. */
  date?: string;
  state?: string;
  labels?: string;
  parent?: string;
  level?: { field: string; values: Record<string, number> };
}

const MATCH_NONE = { match_none: {} };

function not(query: unknown): unknown {
  return { bool: { must_not: [query] } };
}

function any(queries: unknown[]): unknown {
  return queries.length === 1 ? queries[0] : { bool: { should: queries, minimum_should_match: 1 } };
}

function wildcardText(text: string): string {
  return text.replace(/[\\*?]/g, (c) => `\\${c}`);
}

/** Adds each filter to `filter` (AND-ed), after checking that `resource` takes it. */
export function addSearchFilters(filter: SearchFilter, resource: FilterResource, filters: readonly QueryFilter[] | undefined, fields: SearchFilterFields): void {
  checkFilters(resource, filters);
  for (const f of filters ?? []) filter.add(searchFilter(f, fields));
}

function searchFilter(filter: QueryFilter, fields: SearchFilterFields): unknown {
  const { field, values } = filter;
  const negated = isNegated(filter.operation);
  const value = values[0]!;
  const unsupported = () => new InvalidQueryError(`${filterName(filter)}: not supported on this search`, filterName(filter));
  const maybeNot = (query: unknown) => (negated ? not(query) : query);
  switch (field) {
    case 'q': {
      const pattern = `*${wildcardText(value)}*`;
      return maybeNot(any(fields.query.map((f) => ({ wildcard: { [f]: { value: pattern, case_insensitive: true } } }))));
    }
    case 'scope': {
      const namespace = fields.text.namespace;
      if (!namespace) throw unsupported();
      const system = { term: { [namespace]: SYSTEM_NAMESPACE } };
      return (value === 'SYSTEM') !== negated ? system : not(system);
    }
    case 'kind':
      return values.includes(EXECUTION_KIND) !== negated ? { match_all: {} } : MATCH_NONE;
    case 'state':
      if (!fields.state) throw unsupported();
      return maybeNot({ terms: { [fields.state]: values } });
    case 'childFilter': {
      if (!fields.parent) throw unsupported();
      const exists = { exists: { field: fields.parent } };
      return (value === 'CHILD') !== negated ? exists : not(exists);
    }
    case 'level':
      if (!fields.level) throw unsupported();
      return maybeNot({ range: { [fields.level.field]: { gte: fields.level.values[value] } } });
    case 'labels':
      return labelFilter(filter, fields);
    case 'startDate':
    case 'endDate':
    case 'updated':
      if (!fields.date) throw unsupported();
      return dateFilter(fields.date, filter);
    default: {
      const name = fields.text[field];
      if (!name) throw unsupported();
      return maybeNot(textFilter(name, filter));
    }
  }
}

function textFilter(field: string, filter: QueryFilter): unknown {
  const value = filter.values[0]!;
  switch (filter.operation) {
    case 'IN':
    case 'NOT_IN':
      return { terms: { [field]: filter.values } };
    case 'CONTAINS':
      return { wildcard: { [field]: { value: `*${wildcardText(value)}*` } } };
    case 'STARTS_WITH':
      return { prefix: { [field]: value } };
    case 'ENDS_WITH':
      return { wildcard: { [field]: { value: `*${wildcardText(value)}` } } };
    case 'REGEX':
      return { regexp: { [field]: { value: luceneRegex(value), flags: 'NONE' } } };
    case 'PREFIX':
      return any([{ term: { [field]: value } }, { prefix: { [field]: `${value}.` } }]);
    default:
      return { term: { [field]: value } };
  }
}

/**
 * Lucene's regular expressions match the whole term; the API's match anywhere unless anchored, so an unanchored
 * side gets `.*` and the anchors `^`/`$` (which Lucene does not know) are dropped.
 */
export function luceneRegex(pattern: string): string {
  let body = pattern;
  const start = body.startsWith('^');
  if (start) body = body.slice(1);
  const end = /(^|[^\\])(\\\\)*\$$/.test(body);
  if (end) body = body.slice(0, -1);
  return `${start ? '' : '.*'}${body}${end ? '' : '.*'}`;
}

const RANGE: Partial<Record<QueryFilter['operation'], string>> = {
  GREATER_THAN: 'gt',
  GREATER_THAN_OR_EQUAL_TO: 'gte',
  LESS_THAN: 'lt',
  LESS_THAN_OR_EQUAL_TO: 'lte',
};

function dateFilter(field: string, filter: QueryFilter): unknown {
  const value = filter.values[0]!;
  const bound = RANGE[filter.operation];
  if (bound) return { range: { [field]: { [bound]: value } } };
  const equal = { term: { [field]: value } };
  return filter.operation === 'NOT_EQUALS' ? not(equal) : equal;
}

/** Kestra's label filters, as on SQL: EQUALS all, IN any, NOT_EQUALS/NOT_IN none, CONTAINS a key or value containing the text. */
function labelFilter(filter: QueryFilter, fields: SearchFilterFields): unknown {
  const field = fields.labels;
  if (!field) throw new InvalidQueryError(`${filterName(filter)}: not supported on this search`, filterName(filter));
  if (filter.operation === 'CONTAINS') {
    // Labels are indexed as the JSON of [key, value]: the text JSON-escaped cannot match the quotes around them.
    const text = JSON.stringify(filter.values[0]!).slice(1, -1);
    return { wildcard: { [field]: { value: `*${wildcardText(text)}*`, case_insensitive: true } } };
  }
  const each = (filter.labels ?? []).map((label) => ({ term: { [field]: labelTerm(label) } }));
  switch (filter.operation) {
    case 'EQUALS':
      return { bool: { filter: each } };
    case 'IN':
      return any(each);
    default:
      return not(any(each));
  }
}

/** A REGEX filter's pattern the search server refuses (Lucene syntax) is the caller's InvalidQueryError, not a failure. */
export async function refusingInvalidRegex<T>(filters: readonly QueryFilter[] | undefined, run: () => Promise<T>): Promise<T> {
  const regex = filters?.find((filter) => filter.operation === 'REGEX');
  if (!regex) return run();
  try {
    return await run();
  } catch (error) {
    if (!(error instanceof SearchRequestError) || error.statusCode !== 400) throw error;
    throw new InvalidQueryError(`${filterName(regex)}: the search server cannot read this regular expression: ${error.reason}`, filterName(regex));
  }
}
