import Database from 'better-sqlite3';
import type { JdbcSession, SqlRow } from './jdbc-session.js';

/** Opens a session on a SQLite file (created when missing, as the JDBC driver does) or an in-memory database. */
export async function openSqliteSession(file: string): Promise<JdbcSession> {
  const db = new Database(file);
  return {
    async run(sql, values, onRow) {
      const statement = db.prepare(sql);
      const bound = values.map(sqliteValue);
      if (!statement.reader) {
        statement.run(...bound);
        return { hasResultSet: false };
      }
      for (const row of statement.iterate(...bound)) onRow(row as SqlRow);
      return { hasResultSet: true };
    },
    begin: async () => void db.exec('BEGIN'),
    commit: async () => void db.exec('COMMIT'),
    rollback: async () => {
      if (db.inTransaction) db.exec('ROLLBACK');
    },
    // better-sqlite3 runs a statement synchronously: there is nothing running to stop once the event loop turns.
    cancel: () => undefined,
    close: async () => void db.close(),
  };
}

/** SQLite has no boolean: true and false are stored as 1 and 0, as its JDBC driver binds them. */
function sqliteValue(value: unknown): unknown {
  return typeof value === 'boolean' ? (value ? 1 : 0) : value;
}
