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

/**
 * A decimal or integer column's text as a number when the number keeps every digit of it; the text otherwise (a
 * `bigint` past 2^53, a `numeric(30,10)`), as Kestra writes a BigDecimal's digits whole.
 */
export function exactNumber(text: string): number | string {
  const value = Number(text);
  return Number.isFinite(value) && decimalDigits(String(value)) === decimalDigits(text) ? value : text;
}

/** `-012.50` as `-12.5`, `1e-7` as `0.0000001`: the digits that count, to compare a text with a number's own text. */
function decimalDigits(text: string): string {
  const [, sign = '', whole = '', fraction = '', exponent = '0'] = /^([+-]?)(\d*)(?:\.(\d*))?(?:e([+-]?\d+))?$/i.exec(text.trim()) ?? [];
  // Moves the decimal point by the exponent, so that a number JavaScript prints as 1e-7 or 1e+21 compares digit by digit.
  const digits = `${whole}${fraction}`;
  const point = whole.length + Number(exponent);
  const padded = point <= 0 ? `${'0'.repeat(1 - point)}${digits}` : digits.padEnd(point, '0');
  const at = Math.max(point, 1);
  const integer = padded.slice(0, at).replace(/^0+(?=\d)/, '');
  const decimals = padded.slice(at).replace(/0+$/, '');
  const result = decimals ? `${integer}.${decimals}` : integer;
  return sign === '-' && /[1-9]/.test(result) ? `-${result}` : result;
}
