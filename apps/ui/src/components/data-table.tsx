import type { ReactNode } from 'react';
import { Pagination } from './pagination.js';

export interface Column<T> {
  key: string;
  header: ReactNode;
  render: (row: T) => ReactNode;
  /** CSS width, e.g. '8rem' or '20%'. */
  width?: string;
  align?: 'left' | 'right' | 'center';
  /** The API's sort field, making the header a sort button. */
  sortField?: string;
}

export interface DataTableProps<T> {
  columns: Column<T>[];
  rows: T[];
  rowKey: (row: T) => string;
  /** Paging: shown when `total` is given. Pages count from 1, as in the API. */
  page?: number;
  size?: number;
  total?: number;
  onPageChange?: (page: number) => void;
  onSizeChange?: (size: number) => void;
  /** `field:asc` or `field:desc`, as the API takes it. */
  sort?: string;
  onSortChange?: (sort: string) => void;
  testId?: string;
  rowTestId?: (row: T) => string | undefined;
  rowClassName?: (row: T) => string | undefined;
  /** Shown instead of the table body when rows is empty. */
  empty?: ReactNode;
}

/** A table of API results with header sort buttons and a pager. */
export function DataTable<T>(props: DataTableProps<T>) {
  const { columns, rows, rowKey, sort, onSortChange } = props;
  const [sortField, sortDir] = (sort ?? '').split(':');
  return (
    <div className="data-table" data-testid={props.testId}>
      <div className="data-table__scroll">
        <table>
          <thead>
            <tr>
              {columns.map((column) => {
                const active = column.sortField && column.sortField === sortField;
                return (
                  <th key={column.key} style={{ width: column.width, textAlign: column.align }} aria-sort={active ? (sortDir === 'desc' ? 'descending' : 'ascending') : undefined}>
                    {column.sortField && onSortChange ? (
                      <button type="button" className="data-table__sort" onClick={() => onSortChange(`${column.sortField}:${active && sortDir !== 'desc' ? 'desc' : 'asc'}`)}>
                        {column.header}
                        <span aria-hidden="true">{active ? (sortDir === 'desc' ? ' ▼' : ' ▲') : ''}</span>
                      </button>
                    ) : (
                      column.header
                    )}
                  </th>
                );
              })}
            </tr>
          </thead>
          <tbody>
            {rows.map((row) => (
              <tr key={rowKey(row)} data-testid={props.rowTestId?.(row)} className={props.rowClassName?.(row)}>
                {columns.map((column) => (
                  <td key={column.key} style={{ textAlign: column.align }}>
                    {column.render(row)}
                  </td>
                ))}
              </tr>
            ))}
          </tbody>
        </table>
        {rows.length === 0 && props.empty}
      </div>
      {props.total !== undefined && props.onPageChange && (
        <Pagination page={props.page ?? 1} size={props.size ?? 25} total={props.total} onPageChange={props.onPageChange} onSizeChange={props.onSizeChange} />
      )}
    </div>
  );
}
