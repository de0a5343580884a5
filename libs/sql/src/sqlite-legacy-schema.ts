import type { SqlExecutor, SqlMigration } from './sql-database.js';

/**
 * Adopts the tables of a file made by the SQLite adapter that predates the SQL family: each step whose
 * `sqliteLegacy.legacyId` is recorded in `schema_migrations` (and that is not applied yet) runs its conversion
 * statements and is recorded as applied, in the caller's transaction. Returns the names of the adopted steps.
 */
export async function adoptLegacySqliteSchema(tx: SqlExecutor, migrations: readonly SqlMigration[], migrationsTable: string): Promise<string[]> {
  const legacy = migrations.filter((migration) => migration.sqliteLegacy);
  if (legacy.length === 0) return [];
  const [table] = await tx.query<{ name: string }>("SELECT name FROM sqlite_master WHERE type = 'table' AND name = 'schema_migrations'");
  if (!table) return [];
  const recorded = new Set((await tx.query<{ id: string }>('SELECT id FROM schema_migrations')).map((row) => row.id));
  // As TypeORM creates it on SQLite, so that its migration runner reads what is recorded here.
  await tx.run(`CREATE TABLE IF NOT EXISTS "${migrationsTable}" ("id" integer PRIMARY KEY AUTOINCREMENT NOT NULL, "timestamp" bigint NOT NULL, "name" varchar NOT NULL)`);
  const applied = new Set((await tx.query<{ name: string }>(`SELECT name FROM "${migrationsTable}"`)).map((row) => row.name));
  const adopted: string[] = [];
  for (const migration of legacy) {
    const { legacyId, statements } = migration.sqliteLegacy!;
    if (!recorded.has(legacyId) || applied.has(migration.name)) continue;
    for (const statement of statements) await tx.run(statement);
    // TypeORM orders steps by the 13-digit timestamp that ends their names.
    await tx.run(`INSERT INTO "${migrationsTable}" ("timestamp", "name") VALUES (?, ?)`, [Number(migration.name.slice(-13)), migration.name]);
    adopted.push(migration.name);
  }
  return adopted;
}
