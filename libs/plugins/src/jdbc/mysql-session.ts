import mysql from 'mysql2';
import { exactNumber, type JdbcSession, type SqlRow, type SqlStatementResult } from './jdbc-session.js';
import type { ServerAddress } from './jdbc-url.js';

type Field = Parameters<Extract<mysql.TypeCast, (...args: never[]) => unknown>>[0];
type Next = Parameters<Extract<mysql.TypeCast, (...args: never[]) => unknown>>[1];

/**
 * TINYINT(1) is a boolean (as Connector/J reads it); DECIMAL a number when exact, else its text; dates stay the server's
 * calendar date and local time, as ISO-8601 text.
 */
function typeCast(field: Field, next: Next): unknown {
  switch (field.type) {
    case 'TINY':
      if (field.length === 1) {
        const text = field.string();
        return text === null ? null : text !== '0';
      }
      return next();
    case 'DECIMAL':
    case 'NEWDECIMAL': {
      const text = field.string();
      return text === null ? null : exactNumber(text);
    }
    case 'DATE':
    case 'NEWDATE':
      return field.string();
    case 'DATETIME':
    case 'DATETIME2':
    case 'TIMESTAMP':
    case 'TIMESTAMP2':
      return field.string()?.replace(' ', 'T') ?? null;
    default:
      return next();
  }
}

/** Opens a session on MySQL or MariaDB with the `mysql2` driver (its streaming query API, one row at a time). */
export async function openMysqlSession(address: ServerAddress): Promise<JdbcSession> {
  const config = {
    host: address.host,
    port: address.port ?? 3306,
    database: address.database,
    user: address.user,
    password: address.password,
  };
  const connection = mysql.createConnection({ ...config, supportBigNumbers: true, typeCast });
  await new Promise<void>((resolve, reject) => connection.connect((error) => (error ? reject(error) : resolve())));
  // A network failure after connecting surfaces through the running query; this keeps it from crashing the worker.
  connection.on('error', () => undefined);
  const run = (sql: string, values: readonly unknown[], onRow: (row: SqlRow) => void) =>
    new Promise<SqlStatementResult>((resolve, reject) => {
      let hasResultSet = false;
      connection
        .query(sql, values.length > 0 ? [...values] : undefined)
        .on('error', reject)
        // An INSERT or UPDATE emits 'fields' too, without any, and then its OK packet as a 'result'.
        .on('fields', (fields: unknown) => {
          if (fields) hasResultSet = true;
        })
        .on('result', (row: unknown) => {
          if (hasResultSet) onRow(row as SqlRow);
        })
        .on('end', () => resolve({ hasResultSet }));
    });
  const noRows = () => undefined;
  let destroyed = false;
  return {
    run,
    begin: async () => void (await run('START TRANSACTION', [], noRows)),
    commit: async () => void (await run('COMMIT', [], noRows)),
    rollback: async () => void (await run('ROLLBACK', [], noRows)),
    cancel() {
      // The server notices a closed client only when it writes: the statement is killed from another connection first.
      destroyed = true;
      const threadId = connection.threadId;
      const killer = mysql.createConnection(config);
      killer.on('error', () => undefined);
      killer.query(`KILL QUERY ${Number(threadId)}`, () => {
        killer.destroy();
        connection.destroy();
      });
    },
    close: () => (destroyed ? Promise.resolve() : new Promise<void>((resolve) => connection.end(() => resolve()))),
  };
}
