import { useCallback, useMemo } from 'react';
import { useSearchParams } from 'react-router';

const PAGING_KEYS = ['page', 'size', 'sort'];

/**
 * Filters and paging kept in the URL query string, so links and the back button work.
 * `set({ page: 2 })` changes some keys; an empty value removes its key. Changing any key
 * but `page` goes back to page 1.
 */
export function useUrlState<K extends string>(defaults: Partial<Record<K, string>> = {}) {
  const [params, setParams] = useSearchParams();
  const get = useCallback((key: K): string => params.get(key) ?? defaults[key] ?? '', [params, defaults]);
  const getAll = useCallback((key: K): string[] => params.getAll(key), [params]);
  const set = useCallback(
    (changes: Partial<Record<K, string | string[] | number | undefined>>) => {
      setParams(
        (previous) => {
          const next = new URLSearchParams(previous);
          for (const [key, value] of Object.entries(changes) as [string, string | string[] | number | undefined][]) {
            next.delete(key);
            if (Array.isArray(value)) for (const v of value) next.append(key, v);
            else if (value !== undefined && value !== '') next.set(key, String(value));
          }
          if (!('page' in changes)) next.delete('page');
          return next;
        },
        { replace: false },
      );
    },
    [setParams],
  );
  const clear = useCallback(() => setParams(new URLSearchParams()), [setParams]);
  const page = Math.max(1, Number(params.get('page') ?? '1') || 1);
  const size = Math.max(1, Number(params.get('size') ?? '25') || 25);
  return useMemo(() => {
    /** Whether any filter is set (paging and sorting are not filters): empty states say so. */
    const filtered = [...params.keys()].some((key) => !PAGING_KEYS.includes(key));
    /** The paging props of a DataTable, kept in the URL. */
    const setKey = set as (changes: Record<string, string>) => void;
    const paging = { page, size, onPageChange: (p: number) => setKey({ page: String(p) }), onSizeChange: (s: number) => setKey({ size: String(s) }) };
    /** A DataTable's sort change, kept in the URL. */
    const setSort = (sort: string) => setKey({ sort });
    return { params, get, getAll, set, clear, page, size, filtered, paging, setSort };
  }, [params, get, getAll, set, clear, page, size]);
}
