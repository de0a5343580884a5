/// <reference types="jest" />
import { createSqlTestDatabase, type SqlTestServer } from '@osprey/repository';
import { broadcastQueueContract } from '../testing/broadcast-queue.contract.js';
import { executionEventQueueContract } from '../testing/execution-event-queue.contract.js';
import { executorStoreContract } from '../testing/executor-store.contract.js';
import { workerJobQueueContract } from '../testing/worker-job-queue.contract.js';
import { openSqlQueue, type SqlQueue } from './open-sql-queue.js';

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
}
