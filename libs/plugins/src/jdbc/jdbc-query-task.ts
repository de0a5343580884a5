import { createReadStream, createWriteStream } from 'node:fs';
import { rm } from 'node:fs/promises';
import path from 'node:path';
import { randomUUID } from 'node:crypto';
import { once } from 'node:events';
import { JDBC_FETCH_TYPES, JDBC_TASK_TYPES, toIonText, type JdbcDatabase, type JdbcTaskProperties } from '@osprey/flow-model';
import type { RunContext, TaskRunner, TaskRunnerResult } from '../task-runner.js';
import { TaskFailure } from '../task-runner.js';
import { TaskProperties, type TaskSchema } from '../support/task-properties.js';
import { TaskAbortedError, TaskPropertyError } from '../support/task-errors.js';
import { storageFileName } from '../support/storage-file-name.js';
import { bindableValue, outputCell, type JdbcSession, type SqlRow } from './jdbc-session.js';
import { bindNamedParameters, MissingSqlParameterError, splitStatements, type PlaceholderStyle, type SqlSyntax } from './sql-statements.js';
import { serverAddress, sqliteFile } from './jdbc-url.js';

type FetchType = (typeof JDBC_FETCH_TYPES)[number];

/** What one statement with a result set outputs (Kestra's AbstractJdbcBaseQuery.Output). */
interface StatementOutput {
  row?: SqlRow | null;
  rows?: SqlRow[];
  uri?: string;
  size?: number;
}

const DIALECTS: Record<JdbcDatabase, { placeholders: PlaceholderStyle; syntax: SqlSyntax }> = {
  postgresql: { placeholders: 'numbered', syntax: {} },
  mysql: { placeholders: 'question', syntax: { backslashEscapes: true } },
  sqlite: { placeholders: 'question', syntax: {} },
};

/**
 * `io.kestra.plugin.jdbc.<database>.Query` (one statement, outputs `row`, `rows`, `uri`, `size`) and `.Queries`
 * (statements separated by semicolons, in one transaction unless `transaction: false`; outputs one such entry per
 * statement that returns rows, in `outputs`). STORE writes one ION struct a line to a `.ion` file.
 */
export class JdbcQueryTask implements TaskRunner {
  constructor(
    readonly database: JdbcDatabase,
    readonly kind: 'query' | 'queries',
  ) {}

  async run(ctx: RunContext): Promise<TaskRunnerResult> {
    const definition = JDBC_TASK_TYPES[this.database][this.kind] as unknown as TaskSchema<JdbcTaskProperties>;
    const properties = new TaskProperties<JdbcTaskProperties>(ctx, definition);
    const fetchType = await readFetchType(properties);
    const sql = await properties.string('sql');
    const parameters = await properties.map('parameters');
    const dialect = DIALECTS[this.database];
    const statements = splitStatements(sql, dialect.syntax);
    if (this.kind === 'query' && statements.length > 1) {
      throw new TaskPropertyError('sql', `holds ${statements.length} statements: the Query task runs a single SQL statement; use the Queries task to run several`);
    }
    const afterSql = this.kind === 'query' ? await properties.string('afterSQL') : undefined;
    if (afterSql !== undefined && splitStatements(afterSql, dialect.syntax).length > 1) {
      throw new TaskPropertyError('afterSQL', 'the Query task runs a single afterSQL statement; use the Queries task to run several');
    }
    const bind = (name: 'sql' | 'afterSQL', statement: string) => {
      if (parameters === undefined) return { sql: statement, values: [] as unknown[] };
      try {
        const bound = bindNamedParameters(statement, parameters, dialect.placeholders, dialect.syntax);
        return { sql: bound.sql, values: bound.values.map(bindableValue) };
      } catch (error) {
        if (error instanceof MissingSqlParameterError) throw new TaskPropertyError(name, error.message);
        throw error;
      }
    };
    const transaction = this.kind === 'queries' ? await properties.boolean('transaction', true) : afterSql !== undefined;

    const opened = await this.open(properties);
    const session = abortable(opened, ctx.signal);
    const onAbort = () => opened.cancel();
    ctx.signal.addEventListener('abort', onAbort, { once: true });
    const outputs: StatementOutput[] = [];
    try {
      if (transaction) await session.begin();
      for (const statement of statements) {
        const { sql: text, values } = bind('sql', statement);
        ctx.logger.debug(`Starting query: ${text}`);
        const output = await runStatement(ctx, session, text, values, fetchType);
        if (output) outputs.push(output);
      }
      if (afterSql !== undefined) {
        const { sql: text, values } = bind('afterSQL', afterSql);
        ctx.logger.debug(`Executing afterSQL: ${text}`);
        await session.run(text, values, () => undefined);
      }
      if (transaction) await session.commit();
    } catch (error) {
      if (ctx.signal.aborted) throw new TaskAbortedError(ctx.signal.reason);
      if (transaction) await session.rollback().catch((rollbackError: Error) => ctx.logger.warn(`Rollback failed: ${rollbackError.message}`));
      throw error instanceof TaskFailure ? error : new TaskFailure(`${this.database} query failed: ${(error as Error).message}`);
    } finally {
      ctx.signal.removeEventListener('abort', onAbort);
      await session.close().catch((error: Error) => ctx.logger.warn(`Closing the connection failed: ${error.message}`));
    }

    const size = outputs.reduce((total, output) => total + (output.size ?? 0), 0);
    ctx.metric({ name: 'fetch.size', type: 'counter', value: size, tags: { fetch: String(fetchType === 'FETCH' || fetchType === 'FETCH_ONE'), store: String(fetchType === 'STORE') } });
    return { outputs: this.kind === 'query' ? { ...outputs[0] } : { outputs } };
  }

  private async open(properties: TaskProperties<JdbcTaskProperties>): Promise<JdbcSession> {
    const url = await properties.string('url');
    try {
      // Each driver is loaded by the first task that needs it, not by every worker.
      if (this.database === 'sqlite') return await (await import('./sqlite-session.js')).openSqliteSession(sqliteFile(url));
      const address = serverAddress(this.database, url ?? '', await properties.string('username'), await properties.string('password'));
      if (this.database === 'postgresql') return await (await import('./postgres-session.js')).openPostgresSession(address);
      return await (await import('./mysql-session.js')).openMysqlSession(address);
    } catch (error) {
      if (error instanceof TaskFailure) throw error;
      throw new TaskFailure(`Cannot connect to ${this.database} (${redacted(url)}): ${(error as Error).message}`);
    }
  }
}

/**
 * The session with each statement given up as soon as the task is killed: drivers end a statement cut short by a
 * closed connection late (mysql2 reports nothing until the server notices) or as if it had finished.
 */
function abortable(session: JdbcSession, signal: AbortSignal): JdbcSession {
  return {
    ...session,
    run(sql, values, onRow) {
      const running = session.run(sql, values, onRow);
      running.catch(() => undefined);
      return new Promise((resolve, reject) => {
        const onAbort = () => reject(new TaskAbortedError(signal.reason));
        if (signal.aborted) return onAbort();
        signal.addEventListener('abort', onAbort, { once: true });
        running.then(resolve, reject).finally(() => signal.removeEventListener('abort', onAbort));
      });
    },
  };
}

/** `fetchType`, or the deprecated booleans that win over it as in Kestra (fetch, then fetchOne, then store). */
async function readFetchType(properties: TaskProperties<JdbcTaskProperties>): Promise<FetchType> {
  if (await properties.boolean('fetch', false)) return 'FETCH';
  if (await properties.boolean('fetchOne', false)) return 'FETCH_ONE';
  if (await properties.boolean('store', false)) return 'STORE';
  return (await properties.enumValue('fetchType', JDBC_FETCH_TYPES)) ?? 'NONE';
}

/** Runs one statement; its output when it returned a result set, undefined otherwise (an INSERT, a DDL statement). */
async function runStatement(ctx: RunContext, session: JdbcSession, sql: string, values: unknown[], fetchType: FetchType): Promise<StatementOutput | undefined> {
  switch (fetchType) {
    case 'NONE': {
      const result = await session.run(sql, values, () => undefined);
      return result.hasResultSet ? {} : undefined;
    }
    case 'FETCH_ONE': {
      let first: SqlRow | undefined;
      const result = await session.run(sql, values, (row) => {
        first ??= outputRow(row);
      });
      return result.hasResultSet ? { row: first ?? null, size: first ? 1 : 0 } : undefined;
    }
    case 'FETCH': {
      const rows: SqlRow[] = [];
      const result = await session.run(sql, values, (row) => void rows.push(outputRow(row)));
      return result.hasResultSet ? { rows, size: rows.length } : undefined;
    }
    case 'STORE':
      return storeRows(ctx, session, sql, values);
  }
}

/** Streams the rows to a file of the working directory, one ION struct a line, then into internal storage. */
async function storeRows(ctx: RunContext, session: JdbcSession, sql: string, values: unknown[]): Promise<StatementOutput | undefined> {
  const file = path.join(await ctx.workingDirectory(), `jdbc-${randomUUID()}.ion`);
  const stream = createWriteStream(file);
  let size = 0;
  try {
    const result = await session.run(sql, values, (row) => {
      stream.write(`${toIonText(outputRow(row))}\n`);
      size++;
    });
    stream.end();
    await once(stream, 'finish');
    if (!result.hasResultSet) return undefined;
    const uri = await ctx.storage.putFile(storageFileName('.ion'), createReadStream(file));
    return { uri, size };
  } finally {
    stream.destroy();
    await rm(file, { force: true });
  }
}

function outputRow(row: SqlRow): SqlRow {
  const result: SqlRow = {};
  for (const [column, value] of Object.entries(row)) result[column] = outputCell(value);
  return result;
}

/** The URL without a password written in it, for an error message. */
function redacted(url: string | undefined): string {
  return (url ?? 'jdbc:sqlite:').replace(/(\/\/[^:/@]*:)[^@/]*@/, '$1***@').replace(/(password=)[^&]*/i, '$1***');
}
