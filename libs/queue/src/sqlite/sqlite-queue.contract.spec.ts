import { copyFileSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import Database from 'better-sqlite3';
import { sqlQueueSuite } from '../testing/sql-queue-suite.js';
import { eventually, queueTestJob } from '../testing/queue-fixtures.js';
import { openSqliteQueue } from './open-sqlite-queue.js';
import { sqlQueueSchema } from '../sql/open-sql-queue.js';

sqlQueueSuite('sqlite');

describe('SQLite queue on a file shared with other connections', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'osprey-queue-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('wakes a waiting worker on a commit by another connection (no in-process notification)', async () => {
    const file = join(dir, 'osprey.db');
    const queue = await openSqliteQueue(file);
    // A plain connection, as another process would have: nothing of this process's wake-ups reaches it.
    const other = new Database(file);
    try {
      const started = Date.now();
      const waiting = queue.jobs.waitForJobs(30_000);
      setTimeout(() => {
        other
          .prepare(`INSERT INTO worker_jobs (id, execution_id, task_run_id, payload, state, lease_until, deliveries, created) VALUES ('t:1', 'e', 't', ?, 'QUEUED', 0, 0, 0)`)
          .run(JSON.stringify(queueTestJob('e', 't')));
      }, 30);
      await waiting;
      expect(Date.now() - started).toBeLessThan(10_000);
      expect((await queue.jobs.take('w', 1, 1000)).map((l) => l.job.id)).toEqual(['t:1']);
    } finally {
      other.close();
      await queue.close();
    }
  });

  it('wakes a waiting executor at once on an emit of another queue of this process', async () => {
    const file = join(dir, 'osprey.db');
    const a = await openSqliteQueue(file, { pollMs: 60_000 });
    const b = await openSqliteQueue(file, { pollMs: 60_000 });
    try {
      const started = Date.now();
      const waiting = a.events.waitForEvents(30_000);
      setTimeout(() => void b.events.emit([{ executionId: 'e1', event: { type: 'start' } }]), 20);
      await waiting;
      // Neither the 60 s poll nor the 30 s timeout: the in-process emitter of the file.
      expect(Date.now() - started).toBeLessThan(5_000);
    } finally {
      await a.close();
      await b.close();
    }
  });

  it('delivers a broadcast to subscribers of another connection', async () => {
    const file = join(dir, 'osprey.db');
    const a = await openSqliteQueue(file);
    const b = await openSqliteQueue(file);
    try {
      const seen: unknown[] = [];
      const stop = b.broadcast.subscribe((m) => seen.push(m));
      // The subscription's cursor is read asynchronously; a message published after it is delivered.
      await new Promise((resolve) => setTimeout(resolve, 20));
      await a.broadcast.publish({ type: 'flowChanged', namespace: 'n', flowId: 'f' });
      await eventually(() => expect(seen).toEqual([{ type: 'flowChanged', namespace: 'n', flowId: 'f' }]));
      stop();
    } finally {
      await a.close();
      await b.close();
    }
  });

  // The fixture was written by the SQLite adapter that predates the SQL family (commit 5d116c3), with an execution
  // e2 in flight: a due start event and a delayed resume, a claim lease on it, one queued and one leased job.
  it('adopts the queue rows of a file made by the pre-family SQLite adapter', async () => {
    const file = join(dir, 'osprey.db');
    copyFileSync(fileURLToPath(new URL('../../../sql/src/testing/fixtures/osprey-sqlite-v1.db', import.meta.url)), file);
    // The fixture's leases were an hour long when it was written: move them an hour past now, in the old schema.
    const old = new Database(file);
    const inAnHour = Date.now() + 3_600_000;
    old.prepare('UPDATE worker_jobs SET lease_until = ? WHERE worker_id IS NOT NULL').run(inAnHour);
    old.prepare('UPDATE execution_locks SET until = ?').run(inAnHour);
    old.close();
    const queue = await openSqliteQueue(file);
    try {
      const migrations = await queue.db.query<{ name: string }>('SELECT name FROM osprey_migrations ORDER BY name');
      expect(migrations.map((m) => m.name)).toEqual(sqlQueueSchema.map((m) => m.name).sort());
      expect(await queue.events.depth()).toBe(2);
      expect(await queue.jobs.depth()).toEqual({ pending: 1, running: 1 });
      // The execution's claim lease (1 h) survived under its new column name: nobody else claims it.
      expect(await queue.events.claim('exec-2', 10, 10_000)).toEqual([]);
      expect((await queue.jobs.take('w2', 10, 10_000)).map((l) => l.job.id)).toEqual(['tr-d:1']);
      expect(await queue.jobs.renew('w1', ['tr-c:1'], 10_000)).toEqual([]);
      await queue.jobs.publish([queueTestJob('e3', 'tr-e')]);
      expect((await queue.jobs.take('w2', 10, 10_000)).map((l) => l.job.id)).toEqual(['tr-e:1']);
      await queue.store.acknowledge('exec-1', 'e2', []);
      const claimed = await queue.events.claim('exec-2', 10, 10_000);
      expect(claimed.map((c) => c.event.type)).toEqual(['start']);
      expect(claimed[0]!.execution?.id).toBe('e2');
    } finally {
      await queue.close();
    }
  });
});
