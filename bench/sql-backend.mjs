// `--backend postgres|mysql`: starts the database server with the test-server modules of scripts/servers/
// (installed from Debian's packages, fresh data folder, free port), creates a fresh database on it, and writes
// the configuration file `osprey server standalone` runs with. Only the harness talks to the server with plain
// drivers: creating the database, reading results (SqlReader) and the raw job-cycle measurement.
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { startServers } from '../scripts/servers/index.mjs';

/** backend name -> test-server module (scripts/servers/<module>.mjs), its URL variable and the config `type`. */
const SERVERS = {
  postgres: { module: 'postgres', variable: 'OSPREY_TEST_POSTGRES_URL', type: 'postgres', label: 'PostgreSQL 15' },
  mysql: { module: 'mariadb', variable: 'OSPREY_TEST_MYSQL_URL', type: 'mysql', label: 'MariaDB 10.11' },
};

export const SQL_BACKENDS = Object.keys(SERVERS);

/** Opens one plain client connection (pg or mysql2) on `url`; `query(sql, params)` resolves with rows. */
export async function connect(url) {
  if (url.startsWith('postgres')) {
    const { default: pg } = await import('pg');
    const client = new pg.Client({ connectionString: url });
    await client.connect();
    return {
      dialect: 'postgres',
      // `?` placeholders as in the MySQL dialect, numbered for pg.
      query: async (sql, params = []) => (await client.query(numbered(sql), params)).rows,
      close: () => client.end(),
    };
  }
  const { default: mysql } = await import('mysql2/promise');
  const client = await mysql.createConnection({ uri: url.replace(/^mariadb:/, 'mysql:'), supportBigNumbers: true });
  return {
    dialect: 'mysql',
    query: async (sql, params = []) => {
      const [rows] = await client.query(sql, params);
      return rows;
    },
    close: () => client.end(),
  };
}

function numbered(sql) {
  let n = 0;
  return sql.replace(/\?/g, () => `$${++n}`);
}

/**
 * Starts the server and creates a fresh database `osprey_bench_<time>`; writes `<dataDir>/osprey.yaml`.
 * Resolves with { label, url, config, stop() }.
 */
export async function startSqlBackend(backend, dataDir) {
  const spec = SERVERS[backend];
  const servers = await startServers([spec.module]);
  const adminUrl = servers.env[spec.variable];
  if (!adminUrl) {
    await servers.stop();
    throw new Error(`the ${spec.module} server did not start: ${servers.env[`OSPREY_TEST_${spec.module.toUpperCase()}_ERROR`] ?? 'unknown error'}`);
  }
  const name = `osprey_bench_${Date.now().toString(36)}`;
  const admin = await connect(adminUrl);
  try {
    await admin.query(`CREATE DATABASE ${name}`);
  } finally {
    await admin.close();
  }
  const url = new URL(adminUrl);
  url.pathname = `/${name}`;
  const config = join(dataDir, 'osprey.yaml');
  // The default configuration of a standalone server, on this database; storage in the data folder.
  await writeFile(config, `dataDir: ${dataDir}\nqueue:\n  type: ${spec.type}\n  url: ${url}\nstorage:\n  type: local\n  basePath: ${join(dataDir, 'storage')}\n`);
  return { label: spec.label, url: url.toString(), config, stop: () => servers.stop() };
}
