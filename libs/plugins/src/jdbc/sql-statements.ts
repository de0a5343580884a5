/**
 * Splits a SQL text into its statements at top-level semicolons: semicolons inside quotes ('', "", ``), comments
 * (-- and /* *\/) and PostgreSQL dollar quotes ($$ ... $$, $tag$ ... $tag$) do not split. Blank statements are dropped.
 */
export function splitStatements(sql: string, syntax: SqlSyntax = {}): string[] {
  const statements: string[] = [];
  let start = 0;
  let i = 0;
  while (i < sql.length) {
    const skipped = skipLiteral(sql, i, syntax);
    if (skipped > i) {
      i = skipped;
      continue;
    }
    if (sql[i] === ';') {
      statements.push(sql.slice(start, i));
      start = i + 1;
    }
    i++;
  }
  statements.push(sql.slice(start));
  return statements.map((statement) => statement.trim()).filter((statement) => statement !== '' && !isOnlyComments(statement, syntax));
}

/** How a database reads quoted texts: MySQL escapes a quote with a backslash, PostgreSQL and SQLite do not. */
export interface SqlSyntax {
  backslashEscapes?: boolean;
}

/** A statement's placeholders once its `:name` parameters are bound: `$1, $2` (PostgreSQL) or `?` (MySQL, SQLite). */
export type PlaceholderStyle = 'numbered' | 'question';

export interface BoundStatement {
  sql: string;
  values: unknown[];
}

/** Thrown for a `:name` placeholder that `parameters` has no value for. */
export class MissingSqlParameterError extends Error {
  constructor(readonly parameter: string) {
    super(`the SQL names the parameter ':${parameter}' but parameters has no value for it`);
    this.name = 'MissingSqlParameterError';
  }
}

/**
 * Replaces each `:name` placeholder (outside quotes and comments, not a `::type` cast) with the driver's
 * placeholder and lists the bound values in order; a name used twice is bound twice, as JDBC does.
 */
export function bindNamedParameters(
  sql: string,
  parameters: Readonly<Record<string, unknown>>,
  style: PlaceholderStyle,
  syntax: SqlSyntax = {},
): BoundStatement {
  const values: unknown[] = [];
  let result = '';
  let i = 0;
  while (i < sql.length) {
    const skipped = skipLiteral(sql, i, syntax);
    if (skipped > i) {
      result += sql.slice(i, skipped);
      i = skipped;
      continue;
    }
    if (sql[i] === ':' && sql[i + 1] === ':') {
      result += '::';
      i += 2;
      continue;
    }
    const name = sql[i] === ':' ? /^\w+/.exec(sql.slice(i + 1))?.[0] : undefined;
    if (name === undefined) {
      result += sql[i];
      i++;
      continue;
    }
    if (!Object.hasOwn(parameters, name)) throw new MissingSqlParameterError(name);
    values.push(parameters[name]);
    result += style === 'numbered' ? `$${values.length}` : '?';
    i += name.length + 1;
  }
  return { sql: result, values };
}

/** The index just past a quoted text, comment or dollar-quoted text starting at `i`; `i` when none starts there. */
function skipLiteral(sql: string, i: number, syntax: SqlSyntax): number {
  const c = sql[i];
  if (c === "'" || c === '"' || c === '`') return skipQuoted(sql, i, c, syntax.backslashEscapes === true);
  if (c === '-' && sql[i + 1] === '-') {
    const end = sql.indexOf('\n', i);
    return end < 0 ? sql.length : end + 1;
  }
  if (c === '/' && sql[i + 1] === '*') {
    const end = sql.indexOf('*/', i + 2);
    return end < 0 ? sql.length : end + 2;
  }
  if (c === '$') {
    const tag = /^\$[A-Za-z_]?\w*\$/.exec(sql.slice(i))?.[0];
    // $1 is a numbered placeholder, not a dollar quote.
    if (tag && !/^\$\d/.test(tag)) {
      const end = sql.indexOf(tag, i + tag.length);
      return end < 0 ? sql.length : end + tag.length;
    }
  }
  return i;
}

/** Past a text quoted with `quote`: a doubled quote escapes, and so does a backslash where the database reads it so. */
function skipQuoted(sql: string, i: number, quote: string, backslashEscapes: boolean): number {
  let j = i + 1;
  while (j < sql.length) {
    if (backslashEscapes && sql[j] === '\\' && quote !== '`') {
      j += 2;
      continue;
    }
    if (sql[j] === quote) {
      if (sql[j + 1] === quote) {
        j += 2;
        continue;
      }
      return j + 1;
    }
    j++;
  }
  return sql.length;
}

function isOnlyComments(statement: string, syntax: SqlSyntax): boolean {
  let i = 0;
  while (i < statement.length) {
    if (/\s/.test(statement[i]!)) {
      i++;
      continue;
    }
    const skipped = skipLiteral(statement, i, syntax);
    const isComment = statement.startsWith('--', i) || statement.startsWith('/*', i);
    if (!isComment || skipped === i) return false;
    i = skipped;
  }
  return true;
}
