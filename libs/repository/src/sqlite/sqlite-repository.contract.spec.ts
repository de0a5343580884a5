import { copyFileSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import Database from 'better-sqlite3';
import { sqlRepositorySuite } from '../testing/sql-repository-suite.js';
import { openSqliteRepository } from './open-sqlite-repository.js';

sqlRepositorySuite('sqlite');

describe('SQLite repository file', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'osprey-repo-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('opens the file in WAL mode with NORMAL sync and foreign keys, and migrates once for several connections', async () => {
    const file = join(dir, 'osprey.db');
    const repositories = await Promise.all([1, 2, 3].map(() => openSqliteRepository(file)));
    try {
      const [first] = repositories;
      expect(await first!.db.query('PRAGMA journal_mode')).toEqual([{ journal_mode: 'wal' }]);
      expect(await first!.db.query('PRAGMA synchronous')).toEqual([{ synchronous: 1 }]);
      expect(await first!.db.query('PRAGMA foreign_keys')).toEqual([{ foreign_keys: 1 }]);
      expect(await first!.db.query('SELECT name FROM osprey_migrations')).toEqual([{ name: 'OspreyRepository1767225600001' }]);
    } finally {
      await Promise.all(repositories.map((repository) => repository.close()));
    }
  });

  // The fixture was written by the SQLite adapter that predates the SQL family (commit 5d116c3): two revisions of a
  // flow with labels, an execution with two task runs (stored out of list order), a log, a trigger, a kv entry and a
  // service instance, plus queue rows (see libs/queue/src/sqlite/sqlite-queue.contract.spec.ts for those).
  it('adopts a file made by the pre-family SQLite adapter without losing rows', async () => {
    const file = join(dir, 'osprey.db');
    copyFileSync(fileURLToPath(new URL('../../../sql/src/testing/fixtures/osprey-sqlite-v1.db', import.meta.url)), file);
    const repository = await openSqliteRepository(file);
    try {
      expect((await repository.flows.revisions('company.team', 'hello')).map((f) => f.revision)).toEqual([1, 2]);
      expect((await repository.flows.search({ labels: [{ key: 'team', value: 'data' }] })).results.map((f) => f.revision)).toEqual([2]);
      expect((await repository.flows.search({ labels: [{ key: 'team', value: 'other' }] })).total).toBe(0);
      const execution = await repository.executions.get('e1');
      expect(execution?.version).toBe(3);
      expect(execution?.taskRunList.map((t) => t.id)).toEqual(['tr-b', 'tr-a']);
      expect((await repository.executions.search({ labels: [{ key: 'team', value: 'data' }] })).total).toBe(1);
      expect((await repository.logs.search({ executionId: 'e1' })).results.map((l) => l.message)).toEqual(['hi']);
      expect((await repository.triggers.get('company.team', 'hello', 'every'))?.nextDate).toBe('2030-01-01T00:00:00.000Z');
      expect((await repository.kv.get('company.team', 'greeting'))?.value).toBe('hello');
      expect((await repository.instances.list()).map((i) => i.id)).toEqual(['i1']);

      // New rows land after the adopted ones, and the adopted file keeps working for writes.
      const added = { ...execution!.taskRunList[0]!, id: 'tr-new' };
      await repository.writeExecution({ ...execution!, version: 4, taskRunList: [...execution!.taskRunList, added] }, [added]);
      expect((await repository.executions.get('e1'))?.taskRunList.map((t) => t.id)).toEqual(['tr-b', 'tr-a', 'tr-new']);
      await repository.kv.set('company.team', 'other', 1);
      expect((await repository.kv.list('company.team')).map((e) => e.key)).toEqual(['greeting', 'other']);
      expect(await repository.db.query('SELECT name FROM osprey_migrations')).toEqual([{ name: 'OspreyRepository1767225600001' }]);
    } finally {
      await repository.close();
    }
    // Reopening applies nothing more.
    const again = await openSqliteRepository(file);
    await again.close();
    const raw = new Database(file, { readonly: true });
    try {
      expect(raw.prepare('SELECT count(*) FROM osprey_migrations').pluck().get()).toBe(1);
    } finally {
      raw.close();
    }
  });
});
