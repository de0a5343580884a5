import { DataSource, type MigrationInterface, type QueryRunner } from 'typeorm';
import { mysqlDialect, postgresDialect, type SqlDialect } from './sql-dialect.js';

/** Runs statements written with `?` placeholders; inside a transaction or on a pooled connection. */
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
}

export interface SqlDatabaseOptions {
  /** `postgres://user:password@host:port/database`, `mysql://...` or `mariadb://...`. */
  url: string;
  /** Connections in the pool (default 10). */
  poolSize?: number;
  /** Milliseconds to wait for a connection to the server (default 10 s). */
  connectTimeoutMs?: number;
  /** Apply missing migrations when opening (default true). */
  migrate?: boolean;
}

export type SqlServerType = 'postgres' | 'mysql' | 'mariadb';

export function sqlServerType(url: string): SqlServerType {
  const scheme = url.slice(0, url.indexOf(':')).toLowerCase();
  if (scheme === 'postgres' || scheme === 'postgresql') return 'postgres';
  if (scheme === 'mysql' || scheme === 'mariadb') return scheme;
  throw new Error(`unsupported database URL scheme ${JSON.stringify(scheme)}: use postgres://, mysql:// or mariadb://`);
}

const MIGRATION_LOCK_KEY = 'osprey_migrations';
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

/**
 * A TypeORM DataSource (connection pool, migrations) on PostgreSQL or MySQL/MariaDB, used through hand-written
 * SQL: the queue and repository statements need SKIP LOCKED, upserts and batched writes that the ORM layer
 * would spread over several round trips.
 */
export class SqlDatabase implements SqlExecutor {
  readonly dialect: SqlDialect;

  constructor(
    readonly dataSource: DataSource,
    readonly type: SqlServerType,
  ) {
    this.dialect = type === 'postgres' ? postgresDialect : mysqlDialect;
  }

  get open(): boolean {
    return this.dataSource.isInitialized;
  }

  async query<T = Record<string, unknown>>(sql: string, params: readonly unknown[] = []): Promise<T[]> {
    return this.withRunner((runner) => runner.query<T>(sql, params));
  }

  async run(sql: string, params: readonly unknown[] = []): Promise<number> {
    return this.withRunner((runner) => runner.run(sql, params));
  }

  /**
   * Runs `work` in one transaction (READ COMMITTED on every server), committed unless it throws. A transaction the
   * server aborted to break a deadlock is rolled back entirely, so it is run again (MySQL's InnoDB picks such victims
   * among concurrent upserts of the same keys); `work` must have no effect outside the database.
   */
  async transaction<T>(work: (tx: SqlExecutor) => Promise<T>, retries = 5): Promise<T> {
    for (let attempt = 0; ; attempt++) {
      try {
        return await this.transactionOnce(work);
      } catch (error) {
        if (attempt >= retries || !this.dialect.isRetryable(error)) throw error;
        await new Promise((resolve) => setTimeout(resolve, Math.random() * 5 * (attempt + 1)));
      }
    }
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
        await runner.rollbackTransaction().catch(() => undefined);
        throw error;
      }
      await runner.commitTransaction();
      return result;
    } finally {
      await runner.release();
    }
  }

  /**
   * Applies the missing steps under a server-wide lock (an advisory lock on PostgreSQL, GET_LOCK on MySQL), so
   * processes starting together apply each step once; the others wait, then find nothing left to do.
   */
  async migrate(): Promise<string[]> {
    const lock = this.dataSource.createQueryRunner();
    await lock.connect();
    try {
      if (this.type === 'postgres') {
        await lock.query('SELECT pg_advisory_lock($1)', [PG_MIGRATION_LOCK]);
      } else {
        const [row] = (await lock.query('SELECT GET_LOCK(?, 300) AS locked', [MIGRATION_LOCK_KEY])) as { locked: number | string }[];
        if (Number(row?.locked) !== 1) throw new Error('timed out waiting for the migration lock held by another process');
      }
      try {
        const applied = await this.dataSource.runMigrations({ transaction: 'each' });
        return applied.map((migration) => migration.name);
      } finally {
        if (this.type === 'postgres') await lock.query('SELECT pg_advisory_unlock($1)', [PG_MIGRATION_LOCK]);
        else await lock.query('SELECT RELEASE_LOCK(?)', [MIGRATION_LOCK_KEY]);
      }
    } finally {
      await lock.release();
    }
  }

  async close(): Promise<void> {
    if (this.dataSource.isInitialized) await this.dataSource.destroy();
  }

  private async withRunner<T>(work: (runner: Runner) => Promise<T>): Promise<T> {
    const runner = this.dataSource.createQueryRunner();
    try {
      return await work(new Runner(this.dialect, runner));
    } finally {
      await runner.release();
    }
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

/** Opens the pool and, unless `migrate: false`, brings the schema up to `migrations`. */
export async function openSqlDatabase(options: SqlDatabaseOptions, migrations: readonly SqlMigration[]): Promise<SqlDatabase> {
  const type = sqlServerType(options.url);
  const dialect = type === 'postgres' ? postgresDialect : mysqlDialect;
  const poolSize = options.poolSize ?? 10;
  const connectTimeoutMs = options.connectTimeoutMs ?? 10_000;
  const common = {
    url: options.url,
    poolSize,
    logging: false,
    synchronize: false,
    migrationsTableName: 'osprey_migrations',
    migrations: migrations.map((migration) => typeormMigration(migration, dialect)),
  } as const;
  const dataSource =
    type === 'postgres'
      ? new DataSource({ ...common, type: 'postgres', connectTimeoutMS: connectTimeoutMs, extra: { max: poolSize } })
      : new DataSource({
          ...common,
          type,
          charset: 'utf8mb4_bin',
          connectTimeout: connectTimeoutMs,
          // No gap locks: SKIP LOCKED claims must not block inserts of new rows.
          isolationLevel: 'READ COMMITTED',
          supportBigNumbers: true,
          bigNumberStrings: false,
        });
  await dataSource.initialize();
  const database = new SqlDatabase(dataSource, type);
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
