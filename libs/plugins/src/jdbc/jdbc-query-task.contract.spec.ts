import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { JDBC_TASK_TYPES, type JdbcDatabase, type Task } from '@osprey/flow-model';
import { createTestRunContext } from '../testing/index.js';
import { taskContexts } from '../testing/task-contexts.fixture.js';
import { JdbcQueryTask } from './jdbc-query-task.js';

// Real servers started by `npm test` (scripts/servers): a spec that cannot reach them fails rather than skips.
const SERVER_TIMEOUT = 60_000;

function serverUrl(variable: string): URL {
  const value = process.env[variable];
  if (!value) throw new Error(`${variable} is not set: run the tests through \`npm test\`, or source the variables scripts/servers/run.mjs prints`);
  return new URL(value);
}

/** The Kestra connection properties of each database under test, from the test server's URL. */
async function connection(database: JdbcDatabase): Promise<{ properties: Record<string, unknown>; dispose(): Promise<void> }> {
  if (database === 'sqlite') {
    const dir = await mkdtemp(path.join(tmpdir(), 'osprey-jdbc-'));
    return { properties: { url: `jdbc:sqlite:${path.join(dir, 'test.db')}` }, dispose: () => rm(dir, { recursive: true, force: true }) };
  }
  // A database of its own on the test server, created and dropped through the Queries task itself.
  const url = serverUrl(database === 'postgresql' ? 'OSPREY_TEST_POSTGRES_URL' : 'OSPREY_TEST_MYSQL_URL');
  const admin: Record<string, unknown> = { url: `jdbc:${database}://${url.host}${url.pathname}`, username: decodeURIComponent(url.username) };
  if (url.password) admin['password'] = decodeURIComponent(url.password);
  const name = `osprey_jdbc_${process.pid}_${++databases}`;
  const onAdmin = async (sql: string) => {
    const ctx = await createTestRunContext({ task: { id: 'admin', type: JDBC_TASK_TYPES[database].queries.name, ...admin, sql, transaction: false } as Task });
    try {
      await new JdbcQueryTask(database, 'queries').run(ctx);
    } finally {
      await ctx.dispose();
    }
  };
  await onAdmin(`DROP DATABASE IF EXISTS ${name}; CREATE DATABASE ${name}`);
  return { properties: { ...admin, url: `jdbc:${database}://${url.host}/${name}` }, dispose: () => onAdmin(`DROP DATABASE IF EXISTS ${name}`) };
}
let databases = 0;

const TEXT_TYPE: Record<JdbcDatabase, string> = { postgresql: 'varchar(50)', mysql: 'varchar(50)', sqlite: 'text' };

describe.each(['postgresql', 'mysql', 'sqlite'] as const)('io.kestra.plugin.jdbc.%s on the real database', (database) => {
  const queryType = JDBC_TASK_TYPES[database].query.name;
  const queriesType = JDBC_TASK_TYPES[database].queries.name;
  const query = taskContexts({ id: 'query', type: queryType });
  const queries = taskContexts({ id: 'queries', type: queriesType });
  const table = `osprey_jdbc_${process.pid}_${database}`;
  let conn: Awaited<ReturnType<typeof connection>>;

  beforeAll(async () => {
    conn = await connection(database);
    const ctx = await queries.context({
      ...conn.properties,
      sql: `DROP TABLE IF EXISTS ${table}; CREATE TABLE ${table} (id integer primary key, name ${TEXT_TYPE[database]}, amount decimal(10,2), born date)`,
    });
    await new JdbcQueryTask(database, 'queries').run(ctx);
  }, SERVER_TIMEOUT);

  afterAll(async () => {
    const ctx = await queries.context({ ...conn.properties, sql: `DROP TABLE IF EXISTS ${table}` });
    await new JdbcQueryTask(database, 'queries').run(ctx);
    await conn.dispose();
  }, SERVER_TIMEOUT);

  it('inserts with bound :name parameters in one transaction, then fetches the rows with Kestra\'s outputs', async () => {
    const insert = await queries.context({
      ...conn.properties,
      sql: `INSERT INTO ${table} (id, name, amount, born) VALUES (:id, :name, 12.5, '2001-02-03'); INSERT INTO ${table} (id, name, amount) VALUES (2, 'b; c', :amount)`,
      parameters: { id: 1, name: "O'Brien", amount: '7.25' },
    });
    expect((await new JdbcQueryTask(database, 'queries').run(insert)).outputs).toEqual({ outputs: [] });

    const fetch = await query.context({ ...conn.properties, sql: `SELECT id, name, amount, born FROM ${table} ORDER BY id`, fetchType: 'FETCH' });
    const fetched = await new JdbcQueryTask(database, 'query').run(fetch);
    expect(fetched.outputs).toEqual({
      rows: [
        { id: 1, name: "O'Brien", amount: 12.5, born: '2001-02-03' },
        { id: 2, name: 'b; c', amount: 7.25, born: null },
      ],
      size: 2,
    });
    expect(fetch.metrics).toEqual([{ name: 'fetch.size', type: 'counter', value: 2, tags: { fetch: 'true', store: 'false' } }]);
  }, SERVER_TIMEOUT);

  it('FETCH_ONE outputs the first row, or a null row and size 0 when there is none', async () => {
    const one = await query.context({ ...conn.properties, sql: `SELECT name FROM ${table} WHERE id = :id`, parameters: { id: 2 }, fetchType: 'FETCH_ONE' });
    expect((await new JdbcQueryTask(database, 'query').run(one)).outputs).toEqual({ row: { name: 'b; c' }, size: 1 });
    const none = await query.context({ ...conn.properties, sql: `SELECT name FROM ${table} WHERE id = 99`, fetchOne: true });
    expect((await new JdbcQueryTask(database, 'query').run(none)).outputs).toEqual({ row: null, size: 0 });
  }, SERVER_TIMEOUT);

  it('STORE streams the rows to a .ion file in internal storage, one ION struct a line', async () => {
    const store = await query.context({ ...conn.properties, sql: `SELECT id, name FROM ${table} ORDER BY id`, fetchType: 'STORE' });
    const { outputs } = await new JdbcQueryTask(database, 'query').run(store);
    expect(outputs).toEqual({ uri: expect.stringMatching(/^kestra:\/\/\/.*\.ion$/), size: 2 });
    const content = await query.read(store, outputs!['uri'] as string);
    // ION as Kestra's file serializer writes it: symbol field names, one struct a line.
    expect(content).toBe(`{id:1,name:"O'Brien"}\n{id:2,name:"b; c"}\n`);
  }, SERVER_TIMEOUT);

  it('Queries outputs one entry per statement that returns rows, NONE an empty one', async () => {
    const ctx = await queries.context({
      ...conn.properties,
      sql: `UPDATE ${table} SET name = 'bb' WHERE id = 2; SELECT count(*) AS n FROM ${table}; SELECT name FROM ${table} WHERE id = 2`,
      fetchType: 'FETCH',
    });
    expect((await new JdbcQueryTask(database, 'queries').run(ctx)).outputs).toEqual({
      outputs: [
        { rows: [{ n: 2 }], size: 1 },
        { rows: [{ name: 'bb' }], size: 1 },
      ],
    });
    const none = await queries.context({ ...conn.properties, sql: `SELECT 1 AS one` });
    expect((await new JdbcQueryTask(database, 'queries').run(none)).outputs).toEqual({ outputs: [{}] });
  }, SERVER_TIMEOUT);

  it('rolls the whole Queries transaction back when a statement fails, and keeps earlier ones with transaction: false', async () => {
    const failing = `INSERT INTO ${table} (id, name) VALUES (10, 'x'); INSERT INTO ${table} (id, name) VALUES (1, 'duplicate')`;
    const inTransaction = await queries.context({ ...conn.properties, sql: failing });
    await expect(new JdbcQueryTask(database, 'queries').run(inTransaction)).rejects.toThrow(/query failed/);
    const count = async () => {
      const ctx = await query.context({ ...conn.properties, sql: `SELECT count(*) AS n FROM ${table} WHERE id = 10`, fetchType: 'FETCH_ONE' });
      return ((await new JdbcQueryTask(database, 'query').run(ctx)).outputs!['row'] as { n: number }).n;
    };
    expect(await count()).toBe(0);

    const autoCommit = await queries.context({ ...conn.properties, sql: failing, transaction: false });
    await expect(new JdbcQueryTask(database, 'queries').run(autoCommit)).rejects.toThrow(/query failed/);
    expect(await count()).toBe(1);
  }, SERVER_TIMEOUT);

  it('runs afterSQL in the same transaction as the Query, and undoes both when afterSQL fails', async () => {
    const ok = await query.context({
      ...conn.properties,
      sql: `SELECT name FROM ${table} WHERE id = 10`,
      afterSQL: `UPDATE ${table} SET name = 'seen' WHERE id = 10`,
      fetchType: 'FETCH_ONE',
    });
    expect((await new JdbcQueryTask(database, 'query').run(ok)).outputs).toEqual({ row: { name: 'x' }, size: 1 });
    const failing = await query.context({
      ...conn.properties,
      sql: `UPDATE ${table} SET name = 'lost' WHERE id = 10`,
      afterSQL: `INSERT INTO ${table} (id) VALUES (1)`,
    });
    await expect(new JdbcQueryTask(database, 'query').run(failing)).rejects.toThrow(/query failed/);
    const check = await query.context({ ...conn.properties, sql: `SELECT name FROM ${table} WHERE id = 10`, fetchType: 'FETCH_ONE' });
    expect((await new JdbcQueryTask(database, 'query').run(check)).outputs).toEqual({ row: { name: 'seen' }, size: 1 });
  }, SERVER_TIMEOUT);

  it('refuses several statements in a Query, naming sql, before connecting', async () => {
    const ctx = await query.context({ ...conn.properties, sql: 'SELECT 1; SELECT 2' });
    await expect(new JdbcQueryTask(database, 'query').run(ctx)).rejects.toThrow(/Invalid property 'sql': holds 2 statements/);
  });
});

// Databases of the tests below that are not set up per describe; dropped once every test ran.
const disposals: { dispose(): Promise<void> }[] = [];
afterAll(async () => {
  await Promise.all(disposals.map((conn) => conn.dispose()));
}, SERVER_TIMEOUT);

describe('cell values as Kestra outputs them', () => {
  const query = taskContexts({ id: 'query', type: JDBC_TASK_TYPES.postgresql.query.name });
  const mysqlQuery = taskContexts({ id: 'query', type: JDBC_TASK_TYPES.mysql.query.name });

  it('PostgreSQL: dates and times as ISO text, exact numbers, booleans, json parsed, bytea as base64', async () => {
    const conn = await connection('postgresql');
    disposals.push(conn);
    const ctx = await query.context({
      ...conn.properties,
      sql:
        "SELECT DATE '2024-02-03' AS d, TIMESTAMP '2024-02-03 04:05:06.5' AS ts, TIMESTAMPTZ '2024-02-03 04:05:06+02' AS tz, " +
        "9007199254740993::bigint AS big, 42::bigint AS small, 1.25::numeric AS num, 12345678901234567890.5::numeric AS wide, true AS flag, '{\"a\": [1]}'::jsonb AS doc, '\\x4869'::bytea AS bin",
      fetchType: 'FETCH_ONE',
    });
    const row = (await new JdbcQueryTask('postgresql', 'query').run(ctx)).outputs!['row'] as Record<string, unknown>;
    expect(row).toEqual({
      d: '2024-02-03',
      ts: '2024-02-03T04:05:06.5',
      tz: expect.stringMatching(/^2024-02-03T0\d:05:06[+-]\d\d:\d\d$/),
      big: '9007199254740993',
      small: 42,
      num: 1.25,
      wide: '12345678901234567890.5',
      flag: true,
      doc: { a: [1] },
      bin: 'SGk=',
    });
  }, SERVER_TIMEOUT);

  it('MySQL: DATE and DATETIME as ISO text, DECIMAL as a number when exact (else its text), TINYINT(1) as a boolean', async () => {
    const conn = await connection('mysql');
    disposals.push(conn);
    const table = `osprey_jdbc_cells_${process.pid}`;
    const run = async (sql: string, fetchType?: string) =>
      (await new JdbcQueryTask('mysql', 'query').run(await mysqlQuery.context({ ...conn.properties, sql, ...(fetchType ? { fetchType } : {}) }))).outputs;
    await run(`CREATE TABLE ${table} (d DATE, ts DATETIME(3), amount DECIMAL(10,2), wide DECIMAL(30,1), flag TINYINT(1), n TINYINT)`);
    try {
      await run(`INSERT INTO ${table} VALUES ('2024-02-03', '2024-02-03 04:05:06.500', 12.50, 12345678901234567890.5, 1, 7)`);
      expect((await run(`SELECT * FROM ${table}`, 'FETCH_ONE'))!['row']).toEqual({ d: '2024-02-03', ts: '2024-02-03T04:05:06.500', amount: 12.5, wide: '12345678901234567890.5', flag: true, n: 7 });
    } finally {
      await run(`DROP TABLE ${table}`);
    }
  }, SERVER_TIMEOUT);
});

describe.each([
  ['postgresql', 'SELECT pg_sleep(60)', "SELECT count(*) AS n FROM pg_stat_activity WHERE query = 'SELECT pg_sleep(60)' AND state = 'active'"],
  ['mysql', 'SELECT SLEEP(60)', "SELECT count(*) AS n FROM information_schema.PROCESSLIST WHERE INFO = 'SELECT SLEEP(60)'"],
] as const)('a killed io.kestra.plugin.jdbc.%s.Query', (database, sleep, activeStatements) => {
  const query = taskContexts({ id: 'query', type: JDBC_TASK_TYPES[database].query.name });

  it('stops the statement on the server and fails as aborted, long before the statement would end', async () => {
    const conn = await connection(database);
    disposals.push(conn);
    const ctx = await query.context({ ...conn.properties, sql: sleep, fetchType: 'FETCH_ONE' });
    const activeCount = async () => {
      const check = await query.context({ ...conn.properties, sql: activeStatements, fetchType: 'FETCH_ONE' });
      return ((await new JdbcQueryTask(database, 'query').run(check)).outputs!['row'] as { n: number }).n;
    };
    const running = new JdbcQueryTask(database, 'query').run(ctx);
    running.catch(() => undefined);
    // Aborts once the server runs the statement.
    while ((await activeCount()) === 0) await new Promise((resolve) => setTimeout(resolve, 50));
    ctx.abort(new Error('killed'));
    await expect(running).rejects.toThrow('Task aborted: killed');
    // The server stops the statement (polled: the cancel reaches it from another connection); a run to its end takes 60 s.
    while ((await activeCount()) > 0) await new Promise((resolve) => setTimeout(resolve, 100));
  }, 30_000);
});

describe('io.kestra.plugin.jdbc.postgresql.Query connection errors', () => {
  const query = taskContexts({ id: 'query', type: JDBC_TASK_TYPES.postgresql.query.name });

  it('fails naming the database it could not connect to and the server\'s reason, without the password', async () => {
    const url = serverUrl('OSPREY_TEST_POSTGRES_URL');
    const ctx = await query.context({ url: `jdbc:postgresql://${url.host}/no_such_database_osprey?password=secret-pw`, username: 'postgres', sql: 'SELECT 1' });
    const error = await new JdbcQueryTask('postgresql', 'query').run(ctx).catch((failure: Error) => failure);
    expect((error as Error).message).toMatch(/^Cannot connect to postgresql \(jdbc:postgresql:.*no_such_database_osprey\?password=\*\*\*\): .*no_such_database_osprey/);
    expect((error as Error).message).not.toContain('secret-pw');
  }, SERVER_TIMEOUT);
});
