/// <reference types="jest" />
import { openSqlRepository } from '@osprey/repository';
import { createSqlTestDatabase, type SqlTestServer } from '@osprey/repository/testing';
import { broadcastQueueContract } from './broadcast-queue.contract.js';
import { executionEventQueueContract } from './execution-event-queue.contract.js';
import { executorStoreContract } from './executor-store.contract.js';
import { queueTestExecution, queueTestJob, resumeEvent } from './queue-fixtures.js';
import { workerJobQueueContract } from './worker-job-queue.contract.js';
import { openSqlQueue, type SqlQueue } from '../sql/open-sql-queue.js';

/** Opens the queue on a fresh database of the test server; closing drops it. */
export async function openSqlTestQueue(server: SqlTestServer): Promise<SqlQueue> {
  const database = await createSqlTestDatabase(server);
  try {
    const queue = await openSqlQueue({ url: database.url, poolSize: 8 });
    return {
      ...queue,
      close: async () => {
        await queue.close();
        await database.drop();
      },
    };
  } catch (error) {
    await database.drop();
    throw error;
  }
}

/** Every queue contract on the test server, a fresh database per test. */
export function sqlQueueSuite(server: SqlTestServer): void {
  const open = () => openSqlTestQueue(server);
  executionEventQueueContract(server, open);
  workerJobQueueContract(server, open);
  broadcastQueueContract(server, open);
  executorStoreContract(server, open);
  sqlQueueBehaviour(server);
}

/** What the contracts cannot see: several processes, notifications between pools, rows left behind. */
export function sqlQueueBehaviour(server: SqlTestServer): void {
  describe(`SQL queue on ${server}`, () => {
    it('migrates once when several processes open a fresh database at the same moment', async () => {
      const database = await createSqlTestDatabase(server);
      try {
        const queues = await Promise.all([1, 2, 3, 4].map(() => openSqlQueue({ url: database.url, poolSize: 2 })));
        const rows = await queues[0]!.db.query<{ name: string }>('SELECT name FROM osprey_migrations ORDER BY name');
        expect(rows.map((row) => row.name)).toEqual(['OspreyQueue1767225700001', 'OspreyRepository1767225600001']);
        await Promise.all(queues.map((queue) => queue.close()));
      } finally {
        await database.drop();
      }
    });

    it('wakes a waiting worker and executor on writes of another connection pool', async () => {
      const database = await createSqlTestDatabase(server);
      const a = await openSqlQueue({ url: database.url, poolSize: 2 });
      const b = await openSqlQueue({ url: database.url, poolSize: 2 });
      try {
        // Waiters give up after 30 s: returning well before that means the other pool's write woke them.
        const WAIT_MS = 30_000;
        let started = Date.now();
        const jobs = a.jobs.waitForJobs(WAIT_MS);
        const published = new Promise<void>((resolve, reject) => setTimeout(() => b.jobs.publish([queueTestJob('e1', 'tr1')]).then(resolve, reject), 30));
        await Promise.all([jobs, published]);
        expect(Date.now() - started).toBeLessThan(WAIT_MS / 3);
        started = Date.now();
        const events = a.events.waitForEvents(WAIT_MS);
        const emitted = new Promise<void>((resolve, reject) => setTimeout(() => b.events.emit([resumeEvent('e1', 'a')]).then(resolve, reject), 30));
        await Promise.all([events, emitted]);
        expect(Date.now() - started).toBeLessThan(WAIT_MS / 3);
      } finally {
        await a.close();
        await b.close();
        await database.drop();
      }
    });

    it('leaves no delivered rows behind and shows committed executions to the repository', async () => {
      const database = await createSqlTestDatabase(server);
      const queue = await openSqlQueue({ url: database.url, poolSize: 4 });
      const repository = await openSqlRepository({ url: database.url, poolSize: 2 });
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
        await queue.jobs.complete(lease!, { type: 'taskResult', taskRunId: 'tr1', attempt: 1, state: 'SUCCESS', workerId: 'w' });
        const results = await queue.events.claim('x', 10, 10_000);
        await queue.store.commit('x', { execution: { ...execution, version: 2 }, expectedVersion: 1, changedTaskRuns: [], jobs: [], events: [], consumed: results.map((c) => c.seq), cancelJobs: [] });
        const counts = await queue.db.query<{ events: unknown; jobs: unknown; locks: unknown }>(
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
}
