import { BackendUnavailableError } from '@osprey/flow-model';

/**
 * The SQL server could not be reached or refused new work for now (connection refused or lost, timeout, shutting
 * down, too many connections): the API answers 503 and callers may retry.
 */
export class SqlUnavailableError extends BackendUnavailableError {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'SqlUnavailableError';
  }
}

/** Socket-level failures (Node), shared by pg and mysql2. */
const NETWORK_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EHOSTUNREACH', 'ENETUNREACH', 'ENOTFOUND', 'EAI_AGAIN', 'EPIPE']);
/** mysql2 and MySQL/MariaDB: lost connection, server shutting down, too many connections. */
const MYSQL_CODES = new Set(['PROTOCOL_CONNECTION_LOST', 'ER_SERVER_SHUTDOWN', 'ER_CON_COUNT_ERROR', 'ER_TOO_MANY_USER_CONNECTIONS', 'ER_CONNECTION_KILLED']);
/** PostgreSQL SQLSTATEs: 57P01-57P03 shutting down / cannot connect now, 53300 too many connections. */
const POSTGRES_CODES = new Set(['57P01', '57P02', '57P03', '53300']);
/** pg reports a closed or timed-out connection with a message only. */
const PG_MESSAGES = /Connection terminated|timeout exceeded when trying to connect|Client has encountered a connection error|connection timeout/i;

/** The error itself and what it wraps (TypeORM's `driverError`, `cause`, an AggregateError's `errors`). */
function* chain(error: unknown, depth = 0): Generator<Record<string, unknown>> {
  if (!error || typeof error !== 'object' || depth > 4) return;
  const e = error as Record<string, unknown>;
  yield e;
  yield* chain(e.driverError, depth + 1);
  yield* chain(e.cause, depth + 1);
  if (Array.isArray(e.errors)) for (const inner of e.errors) yield* chain(inner, depth + 1);
}

/** Whether `error` says the server is down or unreachable, rather than that the statement is wrong. */
export function isSqlUnavailable(error: unknown): boolean {
  for (const e of chain(error)) {
    const code = typeof e.code === 'string' ? e.code : undefined;
    if (code && (NETWORK_CODES.has(code) || MYSQL_CODES.has(code) || POSTGRES_CODES.has(code) || code.startsWith('08'))) return true;
    if (typeof e.message === 'string' && PG_MESSAGES.test(e.message)) return true;
  }
  return false;
}

/** `error` as an SqlUnavailableError when the server is down or unreachable, else unchanged. */
export function asSqlUnavailable(error: unknown): unknown {
  if (error instanceof BackendUnavailableError || !isSqlUnavailable(error)) return error;
  return new SqlUnavailableError(`the SQL server cannot be reached: ${(error as Error).message ?? String(error)}`, { cause: error });
}
