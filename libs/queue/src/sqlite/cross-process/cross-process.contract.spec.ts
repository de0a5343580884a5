import { fork, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { queueTestJob } from '../../testing/queue-fixtures.js';
import { openSqliteQueue } from '../open-sqlite-queue.js';

const here = fileURLToPath(new URL('.', import.meta.url));

function waitFor<T>(child: ChildProcess, type: string): Promise<T> {
  return new Promise((resolve, reject) => {
    const onMessage = (message: { type: string } & T) => {
      if (message.type !== type) return;
      child.off('message', onMessage);
      resolve(message);
    };
    child.on('message', onMessage);
    child.once('exit', (code) => reject(new Error(`worker exited with ${code} before "${type}"`)));
  });
}

describe('SQLite queue across processes', () => {
  let dir: string;
  const children: ChildProcess[] = [];
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'osprey-queue-x-'));
  });
  afterEach(() => {
    for (const child of children.splice(0)) if (child.exitCode === null) child.kill();
    rmSync(dir, { recursive: true, force: true });
  });

  it('hands each job to exactly one of three worker processes sharing the file', async () => {
    const file = join(dir, 'osprey.db');
    const queue = await openSqliteQueue(file);
    try {
      for (const id of ['w1', 'w2', 'w3']) {
        children.push(
          fork(join(here, 'job-worker.child.mjs'), [file, id], {
            execArgv: ['--import', join(here, 'register-ts.mjs')],
            // Jest's flags stay out of the child; preloaded hooks stay in (the Node LTS pass of `npm test`
            // resolves better-sqlite3 through one, scripts/node-lts-hooks.mjs).
            env: { ...process.env, NODE_OPTIONS: (process.env.NODE_OPTIONS ?? '').split(/\s+/).filter((option) => option.startsWith('--import=')).join(' ') },
            stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
          }),
        );
      }
      await Promise.all(children.map((child) => waitFor(child, 'ready')));
      const done = children.map((child) => waitFor<{ completed: string[] }>(child, 'done'));
      const jobs = Array.from({ length: 150 }, (_, i) => queueTestJob(`e${i % 10}`, `tr${i}`));
      for (let i = 0; i < jobs.length; i += 10) await queue.jobs.publish(jobs.slice(i, i + 10));
      children.forEach((child) => child.send('published'));

      const results = (await Promise.all(done)).map((r) => r.completed);
      const all = results.flat();
      expect(all.length).toBe(jobs.length);
      expect(new Set(all)).toEqual(new Set(jobs.map((j) => j.id)));
      expect(results.filter((completed) => completed.length > 0).length).toBeGreaterThanOrEqual(2);
      // Each completion emitted exactly one result event, atomically with removing the job.
      expect(await queue.events.depth()).toBe(jobs.length);
      expect(await queue.jobs.depth()).toEqual({ pending: 0, running: 0 });
    } finally {
      await queue.close();
    }
  }, 20_000);
});
