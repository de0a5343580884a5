import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { broadcastQueueContract } from '../testing/broadcast-queue.contract.js';
import { executionEventQueueContract } from '../testing/execution-event-queue.contract.js';
import { executorStoreContract } from '../testing/executor-store.contract.js';
import { workerJobQueueContract } from '../testing/worker-job-queue.contract.js';
import { openSqliteQueue } from './open-sqlite-queue.js';

async function openTemp() {
  const dir = mkdtempSync(join(tmpdir(), 'osprey-queue-'));
  const queue = await openSqliteQueue(join(dir, 'osprey.db'));
  return {
    ...queue,
    close: async () => {
      await queue.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

executionEventQueueContract('sqlite', openTemp);
workerJobQueueContract('sqlite', openTemp);
broadcastQueueContract('sqlite', openTemp);
executorStoreContract('sqlite', openTemp);
