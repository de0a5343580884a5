import { resolve } from 'node:path';
import type BetterSqlite3 from 'better-sqlite3';
import type { DataSource } from 'typeorm';
import type { SqlDialect } from './sql-dialect.js';
import type { SqlExecutor, SqlSessions } from './sql-database.js';

type Statement = BetterSqlite3.Statement<unknown[], unknown>;

/**
 * Hands the one connection of this process to one transaction (or statement) at a time. Shared by every
 * connection of the process to the same file: a transaction spans awaits, and a second connection that tried to
 * write meanwhile would wait for the file lock *synchronously* (busy_timeout), blocking the event loop that the
 * holder needs to finish — so the process queues its writers here, and only other processes wait in SQLite.
 */
class FileTurn {
  private held = false;
  private readonly waiting: (() => void)[] = [];

  get free(): boolean {
    return !this.held;
  }

  async take(): Promise<void> {
    if (!this.held) {
      this.held = true;
      return;
    }
    await new Promise<void>((done) => this.waiting.push(done));
  }

  give(): void {
    const next = this.waiting.shift();
    if (next) next();
    else this.held = false;
  }
}

const turns = new Map<string, FileTurn>();

const regexps = new Map<string, RegExp>();

function cachedRegExp(pattern: string): RegExp {
  let regexp = regexps.get(pattern);
  if (!regexp) {
    if (regexps.size > 100) regexps.clear();
    regexps.set(pattern, (regexp = new RegExp(pattern, 'u')));
  }
  return regexp;
}

function turnOf(file: string): FileTurn {
  if (file === ':memory:' || file === '') return new FileTurn();
  const key = resolve(file);
  let turn = turns.get(key);
  if (!turn) turns.set(key, (turn = new FileTurn()));
  return turn;
}

/**
 * Statements on the better-sqlite3 connection that TypeORM opened (pragmas, migrations), run directly: better-sqlite3
 * is synchronous, so a prepared statement from the cache costs microseconds, where TypeORM's query runner would add
 * its logger, subscribers and a second statement cache per call. Write transactions begin IMMEDIATE (the dialect's
 * `beginWrite`): they take the file's write lock up front, which is what makes a claim's SELECT-then-UPDATE safe
 * across processes without row locks.
 */
export class SqliteSessions implements SqlSessions {
  readonly migrationTransaction = 'none';
  private readonly connection: BetterSqlite3.Database;
  private readonly statements = new Map<string, Statement>();
  private readonly turn: FileTurn;
  private readonly version: Statement;
  /** Runs statements without taking the turn: inside a transaction that holds it. */
  private readonly inTurn: SqlExecutor;

  constructor(
    dataSource: DataSource,
    readonly dialect: SqlDialect,
    file: string,
  ) {
    this.connection = (dataSource.driver as unknown as { databaseConnection: BetterSqlite3.Database }).databaseConnection;
    this.turn = turnOf(file);
    // SQLite parses `x REGEXP y` but defines no such function: searches' REGEX filters use JavaScript's.
    this.connection.function('regexp', { deterministic: true }, (pattern: unknown, value: unknown) =>
      value === null || value === undefined ? null : cachedRegExp(String(pattern)).test(String(value)) ? 1 : 0,
    );
    this.version = this.connection.prepare<unknown[], unknown>('PRAGMA data_version').pluck();
    this.inTurn = {
      dialect,
      query: async <T>(sql: string, params: readonly unknown[] = []) => this.all<T>(sql, params),
      run: async (sql: string, params: readonly unknown[] = []) => this.change(sql, params),
    };
  }

  async query<T>(sql: string, params: readonly unknown[] = []): Promise<T[]> {
    // A lone statement runs to completion synchronously, so it needs the turn only while a transaction holds it.
    if (this.turn.free) return this.all<T>(sql, params);
    return this.inOwnTurn(() => this.all<T>(sql, params));
  }

  async run(sql: string, params: readonly unknown[] = []): Promise<number> {
    if (this.turn.free) return this.change(sql, params);
    return this.inOwnTurn(() => this.change(sql, params));
  }

  async transaction<T>(work: (tx: SqlExecutor) => Promise<T>): Promise<T> {
    return this.write(() => work(this.inTurn));
  }

  /** Migrations run in one write transaction: a second process opening the file waits, then finds them applied. */
  async withMigrationLock<T>(work: (tx: SqlExecutor) => Promise<T>): Promise<T> {
    return this.write(() => work(this.inTurn));
  }

  /** SQLite bumps it when another connection commits: the cheap cross-process change check of the wake-ups. */
  dataVersion(): number {
    return this.version.get() as number;
  }

  close(): void {
    this.statements.clear();
  }

  private async write<T>(work: () => Promise<T>): Promise<T> {
    await this.turn.take();
    try {
      this.statement(this.dialect.beginWrite ?? 'BEGIN').run();
      let result: T;
      try {
        result = await work();
      } catch (error) {
        if (this.connection.inTransaction) this.statement('ROLLBACK').run();
        throw error;
      }
      try {
        this.statement('COMMIT').run();
      } catch (error) {
        if (this.connection.inTransaction) this.statement('ROLLBACK').run();
        throw error;
      }
      return result;
    } finally {
      this.turn.give();
    }
  }

  private async inOwnTurn<T>(work: () => T): Promise<T> {
    await this.turn.take();
    try {
      return work();
    } finally {
      this.turn.give();
    }
  }

  private all<T>(sql: string, params: readonly unknown[]): T[] {
    const statement = this.statement(sql);
    if (statement.reader) return statement.all(...params) as T[];
    statement.run(...params);
    return [];
  }

  private change(sql: string, params: readonly unknown[]): number {
    const statement = this.statement(sql);
    return statement.reader ? statement.all(...params).length : statement.run(...params).changes;
  }

  /** Statement shapes are few (batch sizes vary the VALUES lists); a bounded cache keeps them prepared. */
  private statement(sql: string): Statement {
    let statement = this.statements.get(sql);
    if (!statement) {
      if (this.statements.size >= 1000) this.statements.clear();
      statement = this.connection.prepare<unknown[], unknown>(sql);
      this.statements.set(sql, statement);
    }
    return statement;
  }
}
