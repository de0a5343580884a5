import type { Label } from '@osprey/flow-model';
import type { PageRequest } from '../ports.js';
import { InvalidQueryError } from '../invalid-query-error.js';
import type { SqliteDatabase } from './sqlite-database.js';

import type BetterSqlite3 from 'better-sqlite3';

type SqliteStatement = BetterSqlite3.Statement<unknown[], unknown>;

/** Accumulates AND-ed conditions with their positional parameters. */
export class SqlWhere {
  private readonly clauses: string[] = [];
  readonly params: unknown[] = [];

  add(clause: string, ...params: unknown[]): this {
    this.clauses.push(clause);
    this.params.push(...params);
    return this;
  }

  /** Namespace `ns` and its children (`ns.*`). */
  namespace(column: string, namespace: string | undefined): this {
    if (namespace === undefined || namespace === '') return this;
    return this.add(`(${column} = ? OR ${column} LIKE ? ESCAPE '\\')`, namespace, `${escapeLike(namespace)}.%`);
  }

  equals(column: string, value: string | number | undefined): this {
    return value === undefined ? this : this.add(`${column} = ?`, value);
  }

  oneOf(column: string, values: readonly string[] | undefined): this {
    if (!values || values.length === 0) return this;
    return this.add(`${column} IN (${values.map(() => '?').join(', ')})`, ...values);
  }

  /** Every label must be present in the JSON array of `{ key, value }` held by `column`. */
  labels(column: string, labels: readonly Label[] | undefined): this {
    for (const label of labels ?? []) {
      this.add(
        `EXISTS (SELECT 1 FROM json_each(${column}) WHERE json_extract(value, '$.key') = ? AND json_extract(value, '$.value') = ?)`,
        label.key,
        label.value,
      );
    }
    return this;
  }

  toSql(): string {
    return this.clauses.length === 0 ? '' : `WHERE ${this.clauses.join(' AND ')}`;
  }
}

export function escapeLike(text: string): string {
  return text.replace(/[\\%_]/g, (c) => `\\${c}`);
}

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
  if (!Number.isInteger(size) || size < 1) throw new InvalidQueryError(`page size must be a positive integer, got ${size}`);
  if (!Number.isInteger(page) || page < 1) throw new InvalidQueryError(`page must be a positive integer, got ${page}`);
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

const statementCache = new WeakMap<SqliteDatabase, Map<string, SqliteStatement>>();

/** Dynamic searches repeat a handful of shapes; preparing each shape once keeps them off the hot path. */
export function cachedStatement(db: SqliteDatabase, sql: string): SqliteStatement {
  let cache = statementCache.get(db);
  if (!cache) statementCache.set(db, (cache = new Map()));
  let statement = cache.get(sql);
  if (!statement) {
    if (cache.size > 500) cache.clear();
    cache.set(sql, (statement = db.prepare<unknown[], unknown>(sql)));
  }
  return statement;
}
