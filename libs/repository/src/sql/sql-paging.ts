import type { PageRequest } from '../ports.js';
import { InvalidQueryError } from '../invalid-query-error.js';
import { checkPage } from '../page-limits.js';

export interface Paging {
  orderBy: string;
  limit: number;
  offset: number;
}

/**
 * Turns a page request into ORDER BY / LIMIT / OFFSET. `sortable` maps the API's field names (`state.startDate`)
 * to columns; a sort on anything else is an InvalidQueryError rather than silently ignored.
 */
export function paging(request: PageRequest, sortable: Record<string, string>, defaultSort: string, defaultSize = 25): Paging {
  const size = request.size ?? defaultSize;
  const page = request.page ?? 1;
  checkPage(page, size);
  let orderBy = defaultSort;
  if (request.sort) {
    orderBy = request.sort
      .split(',')
      .map((part) => {
        const [field, direction = 'asc'] = part.trim().split(':');
        const column = sortable[field];
        if (!column) throw new InvalidQueryError(`cannot sort on ${JSON.stringify(field)}; sortable: ${Object.keys(sortable).join(', ')}`);
        const dir = direction.toLowerCase();
        if (dir !== 'asc' && dir !== 'desc') throw new InvalidQueryError(`sort direction must be asc or desc, got ${JSON.stringify(direction)}`);
        return `${column} ${dir.toUpperCase()}`;
      })
      .join(', ');
  }
  return { orderBy, limit: size, offset: (page - 1) * size };
}

/** Stored dates are `toISOString()` (UTC); query bounds may carry offsets, so they are normalised before comparing as text. */
export function normalizeDate(date: string): string {
  const millis = Date.parse(date);
  return Number.isNaN(millis) ? date : new Date(millis).toISOString();
}
