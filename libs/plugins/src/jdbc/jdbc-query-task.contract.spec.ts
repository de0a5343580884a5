import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { JDBC_TASK_TYPES, type JdbcDatabase } from '@osprey/flow-model';
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
  const url = serverUrl(database === 'postgresql' ? 'OSPREY_TEST_POSTGRES_URL' : 'OSPREY_TEST_MYSQL_URL');
  const properties: Record<string, unknown> = { url: `jdbc:${database}://${url.host}${url.pathname}`, username: decodeURIComponent(url.username) };
  if (url.password) properties['password'] = decodeURIComponent(url.password);
  return { properties, dispose: async () => undefined };
}

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

  it('STORE streams the rows to a .ion file in internal storage, one object a line', async () => {
    const store = await query.context({ ...conn.properties, sql: `SELECT id, name FROM ${table} ORDER BY id`, fetchType: 'STORE' });
    const { outputs } = await new JdbcQueryTask(database, 'query').run(store);
    expect(outputs).toEqual({ uri: expect.stringMatching(/^kestra:\/\/\/.*\.ion$/), size: 2 });
    const content = await query.read(store, outputs!['uri'] as string);
    expect(content.trimEnd().split('\n').map((line) => JSON.parse(line))).toEqual([
      { id: 1, name: "O'Brien" },
      { id: 2, name: 'b; c' },
    ]);
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

describe.each([
  ['postgresql', 'SELECT pg_sleep(60)'],
  ['mysql', 'SELECT SLEEP(60)'],
] as const)('a killed io.kestra.plugin.jdbc.%s.Query', (database, sleep) => {
  const query = taskContexts({ id: 'query', type: JDBC_TASK_TYPES[database].query.name });

  it('stops the running statement and fails as aborted, long before the statement would end', async () => {
    const conn = await connection(database);
    const ctx = await query.context({ ...conn.properties, sql: sleep, fetchType: 'FETCH_ONE' });
    const running = new JdbcQueryTask(database, 'query').run(ctx);
    // Aborts once the statement is on the server: a log line is written just before it is sent.
    while (!ctx.messages('DEBUG').some((message) => message.startsWith('Starting query'))) await new Promise((resolve) => setImmediate(resolve));
    ctx.abort(new Error('killed'));
    await expect(running).rejects.toThrow('Task aborted: killed');
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
