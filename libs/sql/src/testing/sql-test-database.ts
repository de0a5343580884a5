import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DataSource } from 'typeorm';
import { sqliteUrl, sqlServerType } from '../sql-database.js';

/** `sqlite` needs no server: its "database" is a file in a temp dir. */
export type SqlTestServer = 'postgres' | 'mysql' | 'sqlite';

const VARIABLE: Record<Exclude<SqlTestServer, 'sqlite'>, { url: string; error: string; module: string }> = {
  postgres: { url: 'OSPREY_TEST_POSTGRES_URL', error: 'OSPREY_TEST_POSTGRES_ERROR', module: 'postgres' },
  mysql: { url: 'OSPREY_TEST_MYSQL_URL', error: 'OSPREY_TEST_MARIADB_ERROR', module: 'mariadb' },
};

/**
 * The admin URL of the test server `npm test` started. Missing means the tests run outside `npm test`: they fail
 * (never skip) with a message that says how to run them, because a suite that silently skips proves nothing.
 */
export function sqlTestServerUrl(server: Exclude<SqlTestServer, 'sqlite'>): string {
  const { url, error, module } = VARIABLE[server];
  const value = process.env[url];
  if (value) return value;
  const why = process.env[error] ? ` (the test server did not start: ${process.env[error]})` : '';
  throw new Error(
    `${url} is not set${why}: run the tests through \`npm test\`, which starts the ${server} test server, or start it with ` +
      `\`node scripts/servers/run.mjs ${module}\` and export the variable it prints before running jest.`,
  );
}

let counter = 0;

/** A fresh, empty database on the test server; `drop()` removes it. */
export interface SqlTestDatabase {
  url: string;
  drop(): Promise<void>;
}

export async function createSqlTestDatabase(server: SqlTestServer): Promise<SqlTestDatabase> {
  if (server === 'sqlite') {
    const dir = await mkdtemp(join(tmpdir(), 'osprey-sqlite-'));
    return { url: sqliteUrl(join(dir, 'osprey.db')), drop: () => rm(dir, { recursive: true, force: true }) };
  }
  const adminUrl = sqlTestServerUrl(server);
  const name = `osprey_t${process.pid}_${Date.now().toString(36)}_${++counter}`;
  const type = sqlServerType(adminUrl) as 'postgres' | 'mysql' | 'mariadb';
  const admin = new DataSource(type === 'postgres' ? { type, url: adminUrl, poolSize: 1, extra: { max: 1 } } : { type, url: adminUrl, poolSize: 1 });
  await admin.initialize();
  try {
    await admin.query(`CREATE DATABASE ${name}`);
  } finally {
    await admin.destroy();
  }
  const url = new URL(adminUrl);
  url.pathname = `/${name}`;
  return {
    url: url.toString(),
    async drop() {
      const dropper = new DataSource(type === 'postgres' ? { type, url: adminUrl, poolSize: 1, extra: { max: 1 } } : { type, url: adminUrl, poolSize: 1 });
      await dropper.initialize();
      try {
        await dropper.query(type === 'postgres' ? `DROP DATABASE IF EXISTS ${name} WITH (FORCE)` : `DROP DATABASE IF EXISTS ${name}`);
      } finally {
        await dropper.destroy();
      }
    },
  };
}
