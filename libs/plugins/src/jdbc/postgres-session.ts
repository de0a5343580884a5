import type { ConnectionOptions } from 'node:tls';
import pg from 'pg';
import { exactNumber, type JdbcSession, type SqlRow, type SqlStatementResult } from './jdbc-session.js';
import type { ServerAddress } from './jdbc-url.js';

// Type OIDs (pg_type) whose text form pg would turn into lossy JavaScript values.
const INT8 = 20;
const NUMERIC = 1700;
const DATE = 1082;
const TIMESTAMP = 1114;
const TIMESTAMPTZ = 1184;

/** Dates stay the calendar date and local time the server holds, as ISO-8601 text; int8 and numeric become numbers when exact. */
const types = {
  getTypeParser(oid: number, format?: 'text' | 'binary') {
    if (oid === INT8 || oid === NUMERIC) return (text: string) => exactNumber(text);
    if (oid === DATE) return (text: string) => text;
    if (oid === TIMESTAMP) return (text: string) => text.replace(' ', 'T');
    if (oid === TIMESTAMPTZ) return (text: string) => isoOffset(text);
    return pg.types.getTypeParser(oid, format);
  },
} as pg.CustomTypesConfig;

/** Opens a session on PostgreSQL with the `pg` driver. */
export async function openPostgresSession(address: ServerAddress): Promise<JdbcSession> {
  const config: pg.ClientConfig = {
    host: address.host,
    port: address.port ?? 5432,
    database: address.database,
    user: address.user,
    password: address.password,
    ...(address.sslmode ? { ssl: sslOption(address.sslmode) } : {}),
    types,
  };
  const client = new pg.Client(config);
  await client.connect();
  // A network failure after connecting surfaces through the running query; this keeps it from crashing the worker.
  client.on('error', () => undefined);
  return {
    run(sql, values, onRow) {
      return new Promise<SqlStatementResult>((resolve, reject) => {
        const query = new pg.Query({ text: sql, values: [...values] });
        query.on('row', (row: SqlRow) => onRow(row));
        query.on('error', reject);
        query.on('end', (result: pg.QueryResult) => resolve({ hasResultSet: (result?.fields?.length ?? 0) > 0 }));
        client.query(query);
      });
    },
    begin: async () => void (await client.query('BEGIN')),
    commit: async () => void (await client.query('COMMIT')),
    rollback: async () => void (await client.query('ROLLBACK')),
    cancel() {
      // PostgreSQL notices a closed client only when it writes: the statement is cancelled from another connection first.
      void cancelBackend(config, (client as unknown as { processID: number | null }).processID).finally(() => client.end().catch(() => undefined));
    },
    close: () => client.end(),
  };
}

async function cancelBackend(config: pg.ClientConfig, pid: number | null): Promise<void> {
  if (pid === null) return;
  const canceller = new pg.Client(config);
  canceller.on('error', () => undefined);
  try {
    await canceller.connect();
    await canceller.query('SELECT pg_cancel_backend($1)', [pid]);
  } catch {
    // Best effort: closing the connection below still stops the statement once the server notices.
  } finally {
    await canceller.end().catch(() => undefined);
  }
}

/** `2024-01-02 10:00:00.5+02` (PostgreSQL's form) as `2024-01-02T10:00:00.5+02:00`. */
function isoOffset(text: string): string {
  return text.replace(' ', 'T').replace(/([+-]\d\d)$/, '$1:00');
}

/** The `pg` TLS setting of a JDBC sslmode, as libpq reads it. */
export function sslOption(mode: string): boolean | ConnectionOptions {
  switch (mode) {
    case 'disable':
      return false;
    case 'verify-ca':
      // The certificate must come from a trusted authority; its host name is not checked (that is verify-full).
      return { rejectUnauthorized: true, checkServerIdentity: () => undefined };
    case 'verify-full':
      return { rejectUnauthorized: true };
    default:
      // require: encrypted without verifying the certificate, as libpq does.
      return { rejectUnauthorized: false };
  }
}
