import { InvalidQueryError } from './invalid-query-error.js';

/**
 * The paging every adapter accepts: 1-based pages of at least one item, and an offset that stays an exact integer
 * (SQL's 64-bit OFFSET, JavaScript's safe integers), so an absurd page is refused instead of failing in the server.
 */
export function checkPage(page: number, size: number): void {
  if (!Number.isSafeInteger(size) || size < 1) throw new InvalidQueryError(`size must be a positive integer, got ${size}`, 'size');
  if (!Number.isSafeInteger(page) || page < 1) throw new InvalidQueryError(`page must be a positive integer, got ${page}`, 'page');
  if (page > maxPage(size)) throw new InvalidQueryError(`page must be at most ${maxPage(size)} with size ${size} (page × size ≤ 2^53 − 1)`, 'page');
}

/** The last page whose offset (page − 1) × size and end page × size are exact integers. */
export function maxPage(size: number): number {
  return Math.floor(Number.MAX_SAFE_INTEGER / size);
}
