import type { Label } from '@osprey/flow-model';
import { InvalidQueryError } from '../invalid-query-error.js';
import { checkPage } from '../page-limits.js';
import type { PageRequest } from '../ports.js';

/** A label as one exact keyword: JSON of the pair, so no key or value can be mistaken for another. */
export function labelTerm(label: Label): string {
  return JSON.stringify([label.key, label.value]);
}

/** Accumulates AND-ed filters of a bool query, with the same meaning as the SQL adapters' WHERE builder. */
export class SearchFilter {
  private readonly filters: unknown[] = [];

  add(filter: unknown): this {
    this.filters.push(filter);
    return this;
  }

  /** Namespace `ns` and its children (`ns.*`), not its siblings (`nsx`). */
  namespace(field: string, namespace: string | undefined): this {
    if (namespace === undefined || namespace === '') return this;
    return this.add({ bool: { should: [{ term: { [field]: namespace } }, { prefix: { [field]: `${namespace}.` } }], minimum_should_match: 1 } });
  }

  equals(field: string, value: string | number | boolean | undefined): this {
    return value === undefined ? this : this.add({ term: { [field]: value } });
  }

  oneOf(field: string, values: readonly string[] | undefined): this {
    if (!values || values.length === 0) return this;
    return this.add({ terms: { [field]: values } });
  }

  /** Case-insensitive substring match on any of `fields` (keyword or wildcard fields). */
  contains(fields: readonly string[], text: string | undefined): this {
    if (!text) return this;
    const value = `*${text.replace(/[\\*?]/g, (c) => `\\${c}`)}*`;
    return this.add({ bool: { should: fields.map((field) => ({ wildcard: { [field]: { value, case_insensitive: true } } })), minimum_should_match: 1 } });
  }

  /** Every label must be present. */
  labels(field: string, labels: readonly Label[] | undefined): this {
    for (const label of labels ?? []) this.add({ term: { [field]: labelTerm(label) } });
    return this;
  }

  range(field: string, bounds: { gt?: unknown; gte?: unknown; lt?: unknown; lte?: unknown }): this {
    const defined = Object.fromEntries(Object.entries(bounds).filter(([, value]) => value !== undefined));
    return Object.keys(defined).length === 0 ? this : this.add({ range: { [field]: defined } });
  }

  toQuery(): unknown {
    return this.filters.length === 0 ? { match_all: {} } : { bool: { filter: this.filters } };
  }
}

export interface SearchPaging {
  sort: unknown[];
  from: number;
  size: number;
}

/**
 * Turns a page request into sort/from/size. `sortable` maps the API's field names (`state.startDate`) to index
 * fields; a sort on anything else is an InvalidQueryError, as on SQL. `tiebreak` (a unique field) ends every
 * sort so that pages never overlap.
 */
export function searchPaging(request: PageRequest, sortable: Record<string, string>, defaultSort: [string, 'asc' | 'desc'][], tiebreak: string, defaultSize = 25): SearchPaging {
  const size = request.size ?? defaultSize;
  const page = request.page ?? 1;
  checkPage(page, size);
  let order = defaultSort;
  if (request.sort) {
    order = request.sort.split(',').map((part) => {
      const [name, direction = 'asc'] = part.trim().split(':');
      const field = sortable[name!];
      if (!field) throw new InvalidQueryError(`cannot sort on ${JSON.stringify(name)}; sortable: ${Object.keys(sortable).join(', ')}`);
      const dir = direction.toLowerCase();
      if (dir !== 'asc' && dir !== 'desc') throw new InvalidQueryError(`sort direction must be asc or desc, got ${JSON.stringify(direction)}`);
      return [field, dir];
    });
  }
  const from = (page - 1) * size;
  const sort: unknown[] = order.map(([field, dir]) => ({ [field]: { order: dir } }));
  if (!order.some(([field]) => field === tiebreak)) sort.push({ [tiebreak]: { order: order[0]?.[1] ?? 'asc' } });
  return { sort, from, size };
}
