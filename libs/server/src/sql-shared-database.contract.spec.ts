import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openSqlQueue, openSqliteQueue } from '@osprey/queue/sql';
import { queueTestExecution, queueTestJob } from '@osprey/queue/testing';
import { openSqliteRepository, openSqlRepository } from '@osprey/repository/sql';
import { createSqlTestDatabase, type SqlTestServer } from '@osprey/sql/testing';

/**
 * The SQL queue and the SQL repository of one backend share one database: what the executor store commits is what
 * the repository reads. Each port's own contract suite checks its adapter alone; this checks them composed.
 */
describe.each<SqlTestServer>(['sqlite', 'postgres', 'mysql'])('SQL queue and repository on one %s database', (server) => {
  it('leaves no delivered rows behind and shows committed executions to the repository', async () => {
    const database = await createSqlTestDatabase(server);
    const queue = await openSqlQueue({ url: database.url, poolSize: 4 });
    const repository = await openSqlRepository({
      url: database.url,
      poolSize: 2,
    });
    try {
      const execution = queueTestExecution('e1', ['tr1']);
      await queue.events.emit([{ executionId: 'e1', event: { type: 'start' }, execution }]);
      const claimed = await queue.events.claim('x', 10, 10_000);
      await queue.store.commit('x', {
        execution,
        expectedVersion: 0,
        changedTaskRuns: execution.taskRunList,
        jobs: [queueTestJob('e1', 'tr1')],
        events: [],
        consumed: claimed.map((c) => c.seq),
        cancelJobs: [],
      });
      const [lease] = await queue.jobs.take('w', 1, 10_000);
      await queue.jobs.complete(lease!, {
        type: 'taskResult',
        taskRunId: 'tr1',
        attempt: 1,
        state: 'SUCCESS',
        workerId: 'w',
      });
      const results = await queue.events.claim('x', 10, 10_000);
      await queue.store.commit('x', {
        execution: { ...execution, version: 2 },
        expectedVersion: 1,
        changedTaskRuns: [],
        jobs: [],
        events: [],
        consumed: results.map((c) => c.seq),
        cancelJobs: [],
      });
      const counts = await queue.db.query<{
        events: unknown;
        jobs: unknown;
        locks: unknown;
      }>(
        'SELECT (SELECT count(*) FROM execution_events) AS events, (SELECT count(*) FROM worker_jobs) AS jobs, (SELECT count(*) FROM execution_locks) AS locks',
      );
      expect(counts.map((c) => [Number(c.events), Number(c.jobs), Number(c.locks)])).toEqual([[0, 0, 0]]);
      expect((await repository.executions.get('e1'))?.version).toBe(2);
      expect((await repository.taskRuns.search({ executionId: 'e1' })).total).toBe(1);
    } finally {
      await repository.close();
      await queue.close();
      await database.drop();
    }
  });
});

describe('SQL queue and repository on one SQLite file', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'osprey-shared-db-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('keeps writes of concurrent transactions of two connections of this process apart', async () => {
    const file = join(dir, 'osprey.db');
    const queue = await openSqliteQueue(file);
    const repository = await openSqliteRepository(file);
    try {
      // Interleaved async transactions on two connections to one file: each waits its turn instead of a busy lock.
      await Promise.all(
        Array.from({ length: 40 }, (_, i) =>
          i % 2 === 0 ? queue.jobs.publish([queueTestJob(`e${i}`, `tr${i}`)]) : repository.writeExecution(queueTestExecution(`e${i}`, [`tr${i}`])),
        ),
      );
      expect((await queue.jobs.depth()).pending).toBe(20);
      expect((await repository.executions.search({ size: 100 })).total).toBe(20);
    } finally {
      await repository.close();
      await queue.close();
    }
  });

  it('shows what the executor store committed to the repository opened on the same file', async () => {
    const file = join(dir, 'osprey.db');
    const queue = await openSqliteQueue(file);
    const repository = await openSqliteRepository(file);
    try {
      const execution = queueTestExecution('e1', ['tr1', 'tr2']);
      await queue.store.commit('x', {
        execution,
        expectedVersion: 0,
        changedTaskRuns: execution.taskRunList,
        jobs: [],
        events: [],
        consumed: [],
        cancelJobs: [],
      });
      expect(await repository.executions.get('e1')).toEqual(execution);
      expect((await repository.taskRuns.search({ executionId: 'e1' })).total).toBe(2);
    } finally {
      await repository.close();
      await queue.close();
    }
  });
});
