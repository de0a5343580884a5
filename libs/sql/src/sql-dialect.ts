/** What differs between the SQL servers of the family; everything else is one implementation. */
export interface SqlDialect {
  readonly name: 'postgres' | 'mysql' | 'sqlite';
  /** Rewrites `?` placeholders into the server's syntax. */
  placeholders(sql: string): string;
  /** Column type of identifiers and other short keys that are indexed and compared byte-wise. */
  readonly keyType: string;
  /** Column type of JSON documents stored and read back verbatim. */
  readonly documentType: string;
  /** Column type of a JSON array searched by containment (labels). */
  readonly jsonType: string;
  /** An auto-numbered BIGINT primary key column definition. */
  readonly serialKey: string;
  /** Trailing clause of CREATE TABLE (engine, charset). */
  readonly tableOptions: string;
  /** `INSERT ... <this>` conflict clause that updates `columns` from the new row; `keep` may use the stored one. */
  upsert(conflict: string[], columns: string[], keep?: Record<string, string>): string;
  /** Conflict clause that leaves an existing row untouched. */
  insertIgnore(conflict: string[]): string;
  /** SQL expression: the JSON array column contains every element of the JSON array bound as `?`. */
  jsonContains(column: string): string;
  /** Case-sensitive `column` contains / starts with / ends with `text` (SQLite's LIKE ignores case, so it globs). */
  textMatch(column: string, kind: 'contains' | 'startsWith' | 'endsWith', text: string): { sql: string; params: unknown[] };
  /** SQL expression: `column` matches the regular expression bound as `?` (anywhere in the value, case-sensitive). */
  regex(column: string): string;
  /** SQL expression: a label of the JSON array `column` has a key or value containing the lower-cased LIKE pattern. */
  labelTextContains(column: string, pattern: string): { sql: string; params: unknown[] };
  /** SQL expression: the text of top-level property `key` of the JSON document `column` (NULL when absent). */
  jsonText(column: string, key: string): string;
  /** `column IN (...)` over `values`, with its parameters (PostgreSQL binds one array: one statement shape). */
  in(column: string, values: readonly unknown[]): { sql: string; params: unknown[] };
  /** Whether DML can return rows (RETURNING, and upserts with a WHERE on the conflict update), saving a round trip. */
  readonly returning: boolean;
  /**
   * Row-lock clause ending a SELECT inside a write transaction: `skipLocked` lets competing claimers pass each other,
   * `of` names the table to lock in a join. Empty where the write transaction itself excludes other writers (SQLite).
   */
  forUpdate(options?: { skipLocked?: boolean; of?: string }): string;
  /** Statement that starts a write transaction, or undefined to use the driver's (with its isolation level). */
  readonly beginWrite?: string;
  /** Whether the server refused a REGEX filter's pattern (its regular-expression syntax differs from JavaScript's). */
  isInvalidRegex(error: unknown): boolean;
  /** Whether a unique-key violation caused `error`. */
  isUniqueViolation(error: unknown): boolean;
  /** Whether the server aborted the transaction to break a deadlock (or a serialization failure): rerun it. */
  isRetryable(error: unknown): boolean;
}

function cached(convert: (sql: string) => string): (sql: string) => string {
  const cache = new Map<string, string>();
  return (sql) => {
    let converted = cache.get(sql);
    if (converted === undefined) {
      if (cache.size > 2000) cache.clear();
      cache.set(sql, (converted = convert(sql)));
    }
    return converted;
  };
}

function errorCode(error: unknown): unknown {
  const e = error as { code?: unknown; driverError?: { code?: unknown; errno?: unknown }; errno?: unknown };
  return e?.driverError?.code ?? e?.code;
}

/** The LIKE pattern of a case-sensitive text match, `!` escaping LIKE's wildcards. */
function likeMatch(column: string, kind: 'contains' | 'startsWith' | 'endsWith', text: string): { sql: string; params: unknown[] } {
  const escaped = text.replace(/[!%_]/g, (c) => `!${c}`);
  const pattern = kind === 'startsWith' ? `${escaped}%` : kind === 'endsWith' ? `%${escaped}` : `%${escaped}%`;
  return { sql: `${column} LIKE ? ESCAPE '!'`, params: [pattern] };
}

export const postgresDialect: SqlDialect = {
  name: 'postgres',
  // Our statements hold no `?` inside literals, so every `?` is a parameter.
  placeholders: cached((sql) => {
    let n = 0;
    return sql.replace(/\?/g, () => `$${++n}`);
  }),
  keyType: 'text COLLATE "C"',
  documentType: 'text',
  jsonType: 'jsonb',
  serialKey: 'bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY',
  tableOptions: '',
  upsert(conflict, columns, keep = {}) {
    const sets = columns.map((c) => `${c} = ${keep[c] ?? `EXCLUDED.${c}`}`);
    return `ON CONFLICT (${conflict.join(', ')}) DO UPDATE SET ${sets.join(', ')}`;
  },
  insertIgnore(conflict) {
    return `ON CONFLICT (${conflict.join(', ')}) DO NOTHING`;
  },
  jsonContains(column) {
    return `${column} @> CAST(? AS jsonb)`;
  },
  in(column, values) {
    return { sql: `${column} = ANY(?)`, params: [values] };
  },
  textMatch: likeMatch,
  regex: (column) => `${column} ~ ?`,
  labelTextContains(column, pattern) {
    return {
      sql: `EXISTS (SELECT 1 FROM jsonb_array_elements(${column}) l WHERE lower(l ->> 'key') LIKE ? ESCAPE '!' OR lower(l ->> 'value') LIKE ? ESCAPE '!')`,
      params: [pattern, pattern],
    };
  },
  jsonText: (column, key) => `(CAST(${column} AS jsonb) ->> '${key}')`,
  returning: true,
  forUpdate: ({ skipLocked = false, of } = {}) => `FOR UPDATE${of ? ` OF ${of}` : ''}${skipLocked ? ' SKIP LOCKED' : ''}`,
  isInvalidRegex: (error) => errorCode(error) === '2201B',
  isUniqueViolation: (error) => errorCode(error) === '23505',
  isRetryable: (error) => errorCode(error) === '40P01' || errorCode(error) === '40001',
};

export const mysqlDialect: SqlDialect = {
  name: 'mysql',
  placeholders: (sql) => sql,
  keyType: 'VARCHAR(255)',
  documentType: 'LONGTEXT',
  jsonType: 'JSON',
  serialKey: 'BIGINT NOT NULL AUTO_INCREMENT PRIMARY KEY',
  // Binary collation: identifiers compare and sort byte-wise, as on PostgreSQL ("C") and SQLite.
  tableOptions: 'ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin',
  upsert(_conflict, columns, keep = {}) {
    // `keep` expressions are written for PostgreSQL's EXCLUDED/table names; MySQL's VALUES() is the new row.
    const sets = columns.map((c) => `${c} = ${keep[c]?.replace(/EXCLUDED\.(\w+)/g, 'VALUES($1)').replace(/\b\w+\.(\w+)/g, '$1') ?? `VALUES(${c})`}`);
    return `ON DUPLICATE KEY UPDATE ${sets.join(', ')}`;
  },
  insertIgnore(conflict) {
    return `ON DUPLICATE KEY UPDATE ${conflict[0]} = ${conflict[0]}`;
  },
  jsonContains(column) {
    return `JSON_CONTAINS(${column}, ?)`;
  },
  in(column, values) {
    if (values.length === 0) return { sql: '1 = 0', params: [] };
    return { sql: `${column} IN (${values.map(() => '?').join(', ')})`, params: [...values] };
  },
  // Columns are utf8mb4_bin: LIKE and REGEXP compare case-sensitively, as on PostgreSQL.
  textMatch: likeMatch,
  regex: (column) => `${column} REGEXP ?`,
  labelTextContains(column, pattern) {
    // JSON_SEARCH matches string values only (keys and values of the pairs), never the member names.
    return { sql: `JSON_SEARCH(lower(${column}), 'one', ?, '!') IS NOT NULL`, params: [pattern] };
  },
  jsonText: (column, key) => `JSON_UNQUOTE(JSON_EXTRACT(${column}, '$.${key}'))`,
  returning: false,
  forUpdate: ({ skipLocked = false } = {}) => `FOR UPDATE${skipLocked ? ' SKIP LOCKED' : ''}`,
  // MariaDB says ER_REGEXP_ERROR (1139), MySQL 8 one ER_REGEXP_* code per fault.
  isInvalidRegex: (error) => /^ER_REGEXP/.test(String(errorCode(error))),
  isUniqueViolation: (error) => errorCode(error) === 'ER_DUP_ENTRY',
  isRetryable: (error) => errorCode(error) === 'ER_LOCK_DEADLOCK' || errorCode(error) === 'ER_LOCK_WAIT_TIMEOUT',
};

/**
 * SQLite (one file, possibly shared by several processes): no row locks, because a write transaction holds the
 * file's single write lock from its first statement (BEGIN IMMEDIATE), so a claim's SELECT and UPDATE see no other
 * writer; readers are never blocked (WAL). Types are SQLite's storage classes; text compares byte-wise (BINARY).
 */
export const sqliteDialect: SqlDialect = {
  name: 'sqlite',
  placeholders: (sql) => sql,
  keyType: 'TEXT',
  documentType: 'TEXT',
  jsonType: 'TEXT',
  serialKey: 'INTEGER PRIMARY KEY AUTOINCREMENT',
  tableOptions: '',
  upsert(conflict, columns, keep = {}) {
    // SQLite takes PostgreSQL's syntax, `excluded` and the table name included.
    const sets = columns.map((c) => `${c} = ${keep[c] ?? `excluded.${c}`}`);
    return `ON CONFLICT (${conflict.join(', ')}) DO UPDATE SET ${sets.join(', ')}`;
  },
  insertIgnore(conflict) {
    return `ON CONFLICT (${conflict.join(', ')}) DO NOTHING`;
  },
  jsonContains(column) {
    // Every wanted element has an equal element in the column (compared as JSON values, key order aside).
    return `NOT EXISTS (SELECT 1 FROM json_each(?) w WHERE NOT EXISTS (SELECT 1 FROM json_each(${column}) h
      WHERE json_extract(h.value, '$.key') IS json_extract(w.value, '$.key') AND json_extract(h.value, '$.value') IS json_extract(w.value, '$.value')))`;
  },
  in(column, values) {
    if (values.length === 0) return { sql: '1 = 0', params: [] };
    return { sql: `${column} IN (${values.map(() => '?').join(', ')})`, params: [...values] };
  },
  textMatch(column, kind, text) {
    // GLOB is SQLite's case-sensitive LIKE; a bracket makes its wildcards literal.
    const escaped = text.replace(/[*?[]/g, (c) => `[${c}]`);
    const pattern = kind === 'startsWith' ? `${escaped}*` : kind === 'endsWith' ? `*${escaped}` : `*${escaped}*`;
    return { sql: `${column} GLOB ?`, params: [pattern] };
  },
  // REGEXP calls the `regexp` function each connection registers (see SqliteSessions).
  regex: (column) => `${column} REGEXP ?`,
  labelTextContains(column, pattern) {
    return {
      sql: `EXISTS (SELECT 1 FROM json_each(${column}) l WHERE lower(json_extract(l.value, '$.key')) LIKE ? ESCAPE '!' OR lower(json_extract(l.value, '$.value')) LIKE ? ESCAPE '!')`,
      params: [pattern, pattern],
    };
  },
  jsonText: (column, key) => `json_extract(${column}, '$.${key}')`,
  returning: true,
  forUpdate: () => '',
  beginWrite: 'BEGIN IMMEDIATE',
  // The `regexp` function is JavaScript's: a pattern it cannot compile throws a SyntaxError through the statement.
  isInvalidRegex: (error) => error instanceof SyntaxError || /Invalid regular expression/.test(String((error as Error)?.message)),
  isUniqueViolation: (error) => /^SQLITE_CONSTRAINT_(PRIMARYKEY|UNIQUE)$/.test(String(errorCode(error))),
  // Write transactions begin IMMEDIATE and wait (busy_timeout) for the lock, so no deadlock victim exists to rerun.
  isRetryable: () => false,
};
