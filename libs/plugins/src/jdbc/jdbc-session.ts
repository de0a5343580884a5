/** One row of a result set: column label to value, in column order. */
export type SqlRow = Record<string, unknown>;

/** What running one statement gave: whether it produced a result set (a SELECT, a RETURNING clause, ...). */
export interface SqlStatementResult {
  hasResultSet: boolean;
}

/**
 * One connection to the database of a JDBC task, opened for one task run. Rows are handed to `onRow` one by one as
 * the driver reads them, so that a STORE query never holds its whole result in memory.
 */
export interface JdbcSession {
  /** Runs one statement whose `:name` parameters are already bound to `values` (the driver's placeholders). */
  run(sql: string, values: readonly unknown[], onRow: (row: SqlRow) => void): Promise<SqlStatementResult>;
  begin(): Promise<void>;
  commit(): Promise<void>;
  rollback(): Promise<void>;
  /** Stops the running statement, when the task is killed or times out. */
  cancel(): void;
  close(): Promise<void>;
}

/** A value bound to a statement parameter, in a form every driver takes: structured values as JSON text. */
export function bindableValue(value: unknown): unknown {
  if (value === undefined) return null;
  if (value !== null && typeof value === 'object' && !Buffer.isBuffer(value) && !(value instanceof Date)) return JSON.stringify(value);
  return value;
}

/** A cell as the task outputs it: binary as base64 (Jackson's byte[]), big integers as numbers when exact, dates as ISO text. */
export function outputCell(value: unknown): unknown {
  if (Buffer.isBuffer(value)) return value.toString('base64');
  if (typeof value === 'bigint') return Number.isSafeInteger(Number(value)) ? Number(value) : value.toString();
  if (value instanceof Date) return value.toISOString();
  return value;
}
