/// <reference types="jest" />
import { createSqlTestDatabase, type SqlTestServer } from '@osprey/sql/testing';
import { broadcastQueueContract } from './broadcast-queue.contract.js';
import { executionEventQueueContract } from './execution-event-queue.contract.js';
import { executorStoreContract } from './executor-store.contract.js';
import { queueTestJob, resumeEvent } from './queue-fixtures.js';
import { workerJobQueueContract } from './worker-job-queue.contract.js';
import { openSqlQueue, sqlQueueSchema, type SqlQueue } from '../sql/open-sql-queue.js';

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
        expect(rows.map((row) => row.name)).toEqual(sqlQueueSchema.map((m) => m.name).sort());
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
  });
}
