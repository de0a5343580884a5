const SIZES = [10, 25, 50, 100];

/** Previous/next pager with the range shown and a page size picker. Pages count from 1. */
export function Pagination({ page, size, total, onPageChange, onSizeChange }: {
  page: number;
  size: number;
  total: number;
  onPageChange: (page: number) => void;
  onSizeChange?: (size: number) => void;
}) {
  const pages = Math.max(1, Math.ceil(total / size));
  const first = total === 0 ? 0 : (page - 1) * size + 1;
  const last = Math.min(total, page * size);
  return (
    <nav className="pagination" aria-label="Pages" data-testid="pagination">
      <span className="pagination__range">
        {first}–{last} of {total}
      </span>
      {onSizeChange && (
        <label className="pagination__size">
          <span className="sr-only">Rows per page</span>
          <select value={size} onChange={(e) => onSizeChange(Number(e.target.value))}>
            {SIZES.map((s) => (
              <option key={s} value={s}>
                {s} / page
              </option>
            ))}
          </select>
        </label>
      )}
      <button type="button" className="btn btn--small" disabled={page <= 1} onClick={() => onPageChange(page - 1)} data-testid="page-prev">
        ‹ Prev
      </button>
      <span className="pagination__page">
        Page {page} / {pages}
      </span>
      <button type="button" className="btn btn--small" disabled={page >= pages} onClick={() => onPageChange(page + 1)} data-testid="page-next">
        Next ›
      </button>
    </nav>
  );
}
