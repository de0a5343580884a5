import type { Label } from '@osprey/flow-model';
import type { SqlDialect } from './sql-dialect.js';

/** `!` escapes LIKE wildcards: it means the same on every server, unlike a backslash (an escape in MySQL literals). */
export function escapeLike(text: string): string {
  return text.replace(/[!%_]/g, (c) => `!${c}`);
}

/** Accumulates AND-ed conditions with their `?` parameters, for any dialect of the family. */
export class SqlWhere {
  private readonly clauses: string[] = [];
  readonly params: unknown[] = [];

  constructor(private readonly dialect: SqlDialect) {}

  add(clause: string, ...params: unknown[]): this {
    this.clauses.push(clause);
    this.params.push(...params);
    return this;
  }

  /** Namespace `ns` and its children (`ns.*`). */
  namespace(column: string, namespace: string | undefined): this {
    if (namespace === undefined || namespace === '') return this;
    return this.add(`(${column} = ? OR ${column} LIKE ? ESCAPE '!')`, namespace, `${escapeLike(namespace)}.%`);
  }

  equals(column: string, value: string | number | undefined): this {
    return value === undefined ? this : this.add(`${column} = ?`, value);
  }

  oneOf(column: string, values: readonly string[] | undefined): this {
    if (!values || values.length === 0) return this;
    const list = this.dialect.in(column, values);
    return this.add(list.sql, ...list.params);
  }

  /** Case-insensitive substring match on any of `columns`. */
  contains(columns: readonly string[], text: string | undefined): this {
    if (!text) return this;
    const like = `%${escapeLike(text.toLowerCase())}%`;
    return this.add(`(${columns.map((c) => `lower(${c}) LIKE ? ESCAPE '!'`).join(' OR ')})`, ...columns.map(() => like));
  }

  /** Every label must be present in the JSON array of `{ key, value }` held by `column` (an index-friendly containment). */
  labels(column: string, labels: readonly Label[] | undefined): this {
    if (!labels || labels.length === 0) return this;
    return this.add(this.dialect.jsonContains(column), JSON.stringify(labels.map((l) => ({ key: l.key, value: l.value }))));
  }

  toSql(): string {
    return this.clauses.length === 0 ? '' : `WHERE ${this.clauses.join(' AND ')}`;
  }
}
