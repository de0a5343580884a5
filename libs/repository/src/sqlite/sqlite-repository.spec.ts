import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { repositoryContract } from '../testing/repository.contract.js';
import { openSqliteDatabase } from './sqlite-database.js';
import { openSqliteRepository } from './open-sqlite-repository.js';

repositoryContract('sqlite', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'osprey-repo-'));
  const repository = await openSqliteRepository(join(dir, 'osprey.db'));
  return {
    repository,
    writeExecution: (execution, changedTaskRuns) => repository.writeExecution(execution, changedTaskRuns),
    close: async () => {
      await repository.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
});

describe('openSqliteDatabase', () => {
  it('migrates once when several connections open the same file', () => {
    const dir = mkdtempSync(join(tmpdir(), 'osprey-repo-'));
    try {
      const file = join(dir, 'osprey.db');
      const dbs = [openSqliteDatabase(file), openSqliteDatabase(file), openSqliteDatabase(file)];
      const ids = dbs[0].prepare('SELECT id FROM schema_migrations').pluck().all();
      expect(ids).toEqual(['repository-001']);
      expect(dbs[1].pragma('journal_mode', { simple: true })).toBe('wal');
      dbs.forEach((db) => db.close());
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
