import { DataSource, type MigrationInterface, type QueryRunner } from 'typeorm';
import { mysqlDialect, postgresDialect, sqliteDialect, type SqlDialect } from './sql-dialect.js';
import { adoptLegacySqliteSchema } from './sqlite-legacy-schema.js';
import { SqliteSessions } from './sqlite-sessions.js';
import { asSqlUnavailable } from './sql-unavailable-error.js';
import { retrySql } from './sql-retry.js';

/** Where TypeORM records the applied steps, on every server of the family. */
export const MIGRATIONS_TABLE = 'osprey_migrations';

/** Runs statements written with `?` placeholders; inside a transaction or on a pooled connection. */
/** Options of a database on one SQLite file. */
export interface SqliteDatabaseOptions {
  /** Milliseconds a writer waits for another process's write lock before SQLITE_BUSY (default 5 s). */
  busyTimeoutMs?: number;
}

export interface SqlExecutor {
  readonly dialect: SqlDialect;
  query<T = Record<string, unknown>>(sql: string, params?: readonly unknown[]): Promise<T[]>;
  /** Runs a statement and returns the number of rows it changed. */
  run(sql: string, params?: readonly unknown[]): Promise<number>;
}

/** One schema step of the SQL family; `statements` are the DDL for the given dialect. */
export interface SqlMigration {
  /** Ends with a 13-digit timestamp (TypeORM's naming rule) that orders the steps. */
  name: string;
  statements(dialect: SqlDialect): string[];
  /**
   * SQLite files made by the adapter that predates the family recorded their steps in `schema_migrations`: when
   * `legacyId` is recorded there, `statements` turn its tables into this step's, and the step counts as applied.
   */
  sqliteLegacy?: { legacyId: string; statements: string[] };
}

export interface SqlDatabaseOptions {
  /** `postgres://user:password@host:port/database`, `mysql://...`, `mariadb://...`, or `sqlite:<file path>` (see sqliteUrl). */
  url: string;
  /** Connections in the pool (default 10; SQLite has one connection). */
  poolSize?: number;
  /** Milliseconds to wait for a connection to the server (default 10 s). */
  connectTimeoutMs?: number;
  /** SQLite: milliseconds a writer waits for another process's write lock before SQLITE_BUSY (default 5 s). */
  busyTimeoutMs?: number;
  /** Apply missing migrations when opening (default true). */
  migrate?: boolean;
}

export type SqlServerType = 'postgres' | 'mysql' | 'mariadb' | 'sqlite';

const SQLITE_SCHEME = 'sqlite:';

/** The URL of an SQLite file: the path follows the scheme verbatim (no URL escaping), `:memory:` included. */
export function sqliteUrl(file: string): string {
  return `${SQLITE_SCHEME}${file}`;
}

/** The file of an `sqlite:` URL. */
export function sqliteFile(url: string): string {
  if (!url.toLowerCase().startsWith(SQLITE_SCHEME)) throw new Error(`not an SQLite URL: ${JSON.stringify(url)}`);
  return url.slice(SQLITE_SCHEME.length);
}

export function sqlServerType(url: string): SqlServerType {
  const scheme = url.slice(0, url.indexOf(':')).toLowerCase();
  if (scheme === 'postgres' || scheme === 'postgresql') return 'postgres';
  if (scheme === 'mysql' || scheme === 'mariadb') return scheme;
  if (scheme === 'sqlite') return 'sqlite';
  throw new Error(`unsupported database URL scheme ${JSON.stringify(scheme)}: use postgres://, mysql://, mariadb:// or sqlite:`);
}

function dialectOf(type: SqlServerType): SqlDialect {
  if (type === 'postgres') return postgresDialect;
  if (type === 'sqlite') return sqliteDialect;
  return mysqlDialect;
}

/** How statements reach the database: pooled TypeORM query runners, or the single connection of an SQLite file. */
export interface SqlSessions {
  query<T>(sql: string, params?: readonly unknown[]): Promise<T[]>;
  run(sql: string, params?: readonly unknown[]): Promise<number>;
  /** One attempt of a transaction, committed unless `work` throws. */
  transaction<T>(work: (tx: SqlExecutor) => Promise<T>): Promise<T>;
  /** Runs `work` (the migrations) while other processes opening the same database wait. */
  withMigrationLock<T>(work: (tx: SqlExecutor) => Promise<T>): Promise<T>;
  /** TypeORM's transaction mode for the migrations run inside withMigrationLock. */
  readonly migrationTransaction: 'each' | 'none';
  close(): void;
}

const MIGRATION_LOCK_KEY = 'osprey_migrations';
/** A transaction aborted as a deadlock victim runs again after a few milliseconds, randomised so the contenders part. */
const DEADLOCK_RETRIES = 5;
const DEADLOCK_BACKOFF_MS = { min: 3, factor: 1.5, max: 25 };
// Arbitrary constant: the advisory-lock key of PostgreSQL is a bigint.
const PG_MIGRATION_LOCK = 734_928_113;

class Runner implements SqlExecutor {
  constructor(
    readonly dialect: SqlDialect,
    private readonly runner: QueryRunner,
  ) {}

  async query<T>(sql: string, params: readonly unknown[] = []): Promise<T[]> {
    const result = await this.runner.query(this.dialect.placeholders(sql), params as unknown[], true);
    return (result.records ?? []) as T[];
  }

  async run(sql: string, params: readonly unknown[] = []): Promise<number> {
    const result = await this.runner.query(this.dialect.placeholders(sql), params as unknown[], true);
    return result.affected ?? 0;
  }
}

/** PostgreSQL and MySQL/MariaDB: each statement or transaction on a query runner of TypeORM's pool. */
class PooledSessions implements SqlSessions {
  readonly migrationTransaction = 'each';

  constructor(
    private readonly dataSource: DataSource,
    private readonly dialect: SqlDialect,
  ) {}

  async query<T>(sql: string, params: readonly unknown[] = []): Promise<T[]> {
    return this.withRunner((runner) => runner.query<T>(sql, params));
  }

  async run(sql: string, params: readonly unknown[] = []): Promise<number> {
    return this.withRunner((runner) => runner.run(sql, params));
  }

  async transaction<T>(work: (tx: SqlExecutor) => Promise<T>): Promise<T> {
    return unavailableAsTyped(() => this.transactionOnce(work));
  }

  private async transactionOnce<T>(work: (tx: SqlExecutor) => Promise<T>): Promise<T> {
    const runner = this.dataSource.createQueryRunner();
    try {
      await runner.connect();
      await runner.startTransaction();
      let result: T;
      try {
        result = await work(new Runner(this.dialect, runner));
      } catch (error) {
        // Cleanup on a failed path: the work's error is what the caller needs; the release below ends the transaction anyway.
        await runner.rollbackTransaction().catch(() => undefined);
        throw error;
      }
      await runner.commitTransaction();
      return result;
    } finally {
      await runner.release();
    }
  }

  /** An advisory lock on PostgreSQL, GET_LOCK on MySQL, held on a connection of its own. */
  async withMigrationLock<T>(work: (tx: SqlExecutor) => Promise<T>): Promise<T> {
    const lock = this.dataSource.createQueryRunner();
    await lock.connect();
    const postgres = this.dialect.name === 'postgres';
    try {
      if (postgres) {
        await lock.query('SELECT pg_advisory_lock($1)', [PG_MIGRATION_LOCK]);
      } else {
        const [row] = (await lock.query('SELECT GET_LOCK(?, 300) AS locked', [MIGRATION_LOCK_KEY])) as { locked: number | string }[];
        if (Number(row?.locked) !== 1) throw new Error('timed out waiting for the migration lock held by another process');
      }
      try {
        return await work(new Runner(this.dialect, lock));
      } finally {
        if (postgres) await lock.query('SELECT pg_advisory_unlock($1)', [PG_MIGRATION_LOCK]);
        else await lock.query('SELECT RELEASE_LOCK(?)', [MIGRATION_LOCK_KEY]);
      }
    } finally {
      await lock.release();
    }
  }

  close(): void {}

  private async withRunner<T>(work: (runner: Runner) => Promise<T>): Promise<T> {
    return unavailableAsTyped(async () => {
      const runner = this.dataSource.createQueryRunner();
      try {
        return await work(new Runner(this.dialect, runner));
      } finally {
        await runner.release();
      }
    });
  }
}

/** A server that is down or unreachable surfaces as SqlUnavailableError (the API's 503), whatever the driver said. */
async function unavailableAsTyped<T>(work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (error) {
    throw asSqlUnavailable(error);
  }
}

/**
 * A TypeORM DataSource (connection pool or SQLite file, migrations) used through hand-written SQL: the queue and
 * repository statements need SKIP LOCKED, upserts and batched writes that the ORM layer would spread over several
 * round trips. What differs between servers is in the dialect (SQL) and the sessions (how statements reach it).
 */
export class SqlDatabase implements SqlExecutor {
  readonly dialect: SqlDialect;
  private readonly sessions: SqlSessions;

  constructor(
    readonly dataSource: DataSource,
    readonly type: SqlServerType,
    private readonly migrations: readonly SqlMigration[] = [],
    file = '',
  ) {
    this.dialect = dialectOf(type);
    this.sessions = type === 'sqlite' ? new SqliteSessions(dataSource, this.dialect, file) : new PooledSessions(dataSource, this.dialect);
  }

  get open(): boolean {
    return this.dataSource.isInitialized;
  }

  async query<T = Record<string, unknown>>(sql: string, params: readonly unknown[] = []): Promise<T[]> {
    return this.sessions.query<T>(sql, params);
  }

  async run(sql: string, params: readonly unknown[] = []): Promise<number> {
    return this.sessions.run(sql, params);
  }

  /**
   * Runs `work` in one transaction (READ COMMITTED on the servers; an IMMEDIATE write transaction on SQLite),
   * committed unless it throws. A transaction the server aborted to break a deadlock is rolled back entirely, so it
   * is run again (MySQL's InnoDB picks such victims among concurrent upserts of the same keys); `work` must have no
   * effect outside the database.
   */
  transaction<T>(work: (tx: SqlExecutor) => Promise<T>, retries = DEADLOCK_RETRIES): Promise<T> {
    return retrySql(() => this.sessions.transaction(work), {
      retries,
      retryable: (error) => this.dialect.isRetryable(error),
      backoff: { ...DEADLOCK_BACKOFF_MS, randomize: true },
    });
  }

  /** SQLite's commit counter as seen by this connection (changes on other connections' commits); undefined elsewhere. */
  dataVersion(): number | undefined {
    return this.sessions instanceof SqliteSessions ? this.sessions.dataVersion() : undefined;
  }

  /**
   * Applies the missing steps under a database-wide lock, so processes starting together apply each step once; the
   * others wait, then find nothing left to do. On SQLite, tables of the pre-family adapter are adopted first.
   */
  async migrate(): Promise<string[]> {
    return this.sessions.withMigrationLock(async (tx) => {
      const adopted = this.type === 'sqlite' ? await adoptLegacySqliteSchema(tx, this.migrations, MIGRATIONS_TABLE) : [];
      const applied = await this.dataSource.runMigrations({ transaction: this.sessions.migrationTransaction });
      return [...adopted, ...applied.map((migration) => migration.name)];
    });
  }

  async close(): Promise<void> {
    this.sessions.close();
    if (this.dataSource.isInitialized) await this.dataSource.destroy();
  }
}

function typeormMigration(migration: SqlMigration, dialect: SqlDialect): new () => MigrationInterface {
  const step = class implements MigrationInterface {
    readonly name = migration.name;
    async up(runner: QueryRunner): Promise<void> {
      for (const statement of migration.statements(dialect)) await runner.query(statement);
    }
    async down(): Promise<void> {
      throw new Error(`migration ${migration.name} cannot be reverted; restore a backup instead`);
    }
  };
  Object.defineProperty(step, 'name', { value: migration.name });
  return step;
}

/** Opens the pool (or the SQLite file) and, unless `migrate: false`, brings the schema up to `migrations`. */
export async function openSqlDatabase(options: SqlDatabaseOptions, migrations: readonly SqlMigration[]): Promise<SqlDatabase> {
  const type = sqlServerType(options.url);
  const dialect = dialectOf(type);
  const poolSize = options.poolSize ?? 10;
  const connectTimeoutMs = options.connectTimeoutMs ?? 10_000;
  const common = {
    logging: false,
    synchronize: false,
    migrationsTableName: MIGRATIONS_TABLE,
    migrations: migrations.map((migration) => typeormMigration(migration, dialect)),
  } as const;
  const file = type === 'sqlite' ? sqliteFile(options.url) : '';
  let dataSource: DataSource;
  if (type === 'sqlite') {
    // WAL: readers never block the writer; busy timeout: writers of other processes queue instead of failing;
    // synchronous=NORMAL: durable at checkpoints, never corrupt; foreign keys on (TypeORM's driver sets it).
    dataSource = new DataSource({
      ...common,
      type: 'better-sqlite3',
      database: file,
      timeout: options.busyTimeoutMs ?? 5000,
      enableWAL: true,
      statementCacheSize: 0,
      prepareDatabase: (db: { pragma(source: string): unknown }) => {
        db.pragma('synchronous = NORMAL');
      },
    });
  } else if (type === 'postgres') {
    dataSource = new DataSource({ ...common, url: options.url, poolSize, type, connectTimeoutMS: connectTimeoutMs, extra: { max: poolSize } });
  } else {
    dataSource = new DataSource({
      ...common,
      url: options.url,
      poolSize,
      type,
      charset: 'utf8mb4_bin',
      connectTimeout: connectTimeoutMs,
      // No gap locks: SKIP LOCKED claims must not block inserts of new rows.
      isolationLevel: 'READ COMMITTED',
      supportBigNumbers: true,
      bigNumberStrings: false,
    });
  }
  await dataSource.initialize();
  const database = new SqlDatabase(dataSource, type, migrations, file);
  if (options.migrate !== false) {
    try {
      await database.migrate();
    } catch (error) {
      await database.close();
      throw error;
    }
  }
  return database;
}

/** A column value as a number: PostgreSQL returns BIGINT and counts as strings, MySQL returns sums as decimals. */
export function toNumber(value: unknown): number {
  return typeof value === 'number' ? value : Number(value);
}

/** Splits rows so that one statement stays under the servers' bind-parameter limit (65535). */
export function chunks<T>(items: readonly T[], columns: number): T[][] {
  const size = Math.max(1, Math.floor(30_000 / columns));
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}

/** `(?, ?, ?), (?, ?, ?)` for a multi-row VALUES list. */
export function valuesList(rows: number, columns: number): string {
  const row = `(${Array.from({ length: columns }, () => '?').join(', ')})`;
  return Array.from({ length: rows }, () => row).join(', ');
}
