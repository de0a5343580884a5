import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { broadcastQueueContract } from '../testing/broadcast-queue.contract.js';
import { executionEventQueueContract } from '../testing/execution-event-queue.contract.js';
import { executorStoreContract } from '../testing/executor-store.contract.js';
import { workerJobQueueContract } from '../testing/worker-job-queue.contract.js';
import { openSqliteDatabase, openSqliteRepository } from '@osprey/repository';
import { eventually, queueTestExecution, queueTestJob } from '../testing/queue-fixtures.js';
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

describe('SQLite queue on a file shared with other connections', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'osprey-queue-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('wakes a waiting worker on a commit by another connection (no in-process notification)', async () => {
    const file = join(dir, 'osprey.db');
    const queue = await openSqliteQueue(file);
    const other = openSqliteDatabase(file);
    try {
      const started = Date.now();
      const waiting = queue.jobs.waitForJobs(30_000);
      setTimeout(() => {
        other
          .prepare(`INSERT INTO worker_jobs (id, execution_id, task_run_id, payload, state, lease_until, deliveries, created) VALUES ('j', 'e', 't', ?, 'QUEUED', 0, 0, 0)`)
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

  it('shows what the executor store committed to the repository opened on the same file', async () => {
    const file = join(dir, 'osprey.db');
    const queue = await openSqliteQueue(file);
    const repository = await openSqliteRepository(file);
    try {
      const execution = queueTestExecution('e1', ['tr1', 'tr2']);
      await queue.store.commit('x', { execution, expectedVersion: 0, changedTaskRuns: execution.taskRunList, jobs: [], events: [], consumed: [], cancelJobs: [] });
      expect(await repository.executions.get('e1')).toEqual(execution);
      expect((await repository.taskRuns.search({ executionId: 'e1' })).total).toBe(2);
    } finally {
      await repository.close();
      await queue.close();
    }
  });

  it('delivers a broadcast to subscribers of another connection', async () => {
    const file = join(dir, 'osprey.db');
    const a = await openSqliteQueue(file);
    const b = await openSqliteQueue(file);
    try {
      const seen: unknown[] = [];
      const stop = b.broadcast.subscribe((m) => seen.push(m));
      await a.broadcast.publish({ type: 'flowChanged', namespace: 'n', flowId: 'f' });
      await eventually(() => expect(seen).toEqual([{ type: 'flowChanged', namespace: 'n', flowId: 'f' }]));
      stop();
    } finally {
      await a.close();
      await b.close();
    }
  });
});
