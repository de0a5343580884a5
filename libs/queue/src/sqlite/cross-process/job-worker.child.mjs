// A worker process for the cross-process test: takes and completes jobs from a shared SQLite file until the
// parent says publishing is over and nothing is pending, then reports the job ids it completed.
// eslint-disable-next-line @nx/enforce-module-boundaries -- a child process entry point loads the package as a user would
import { openSqliteQueue } from '@osprey/queue/sql';

const [file, workerId] = process.argv.slice(2);
const queue = await openSqliteQueue(file);
let published = false;
process.on('message', (message) => {
  if (message === 'published') published = true;
});
process.send({ type: 'ready' });

const completed = [];
for (;;) {
  const leases = await queue.jobs.take(workerId, 2, 10_000);
  for (const lease of leases) {
    // Work takes a moment, as real tasks do, so the other processes get their share to compete for.
    await new Promise((resolve) => setTimeout(resolve, 3));
    await queue.jobs.complete(lease, { type: 'taskResult', taskRunId: lease.job.taskRun.id, attempt: lease.job.attempt, state: 'SUCCESS', workerId });
    completed.push(lease.job.id);
  }
  if (leases.length > 0) continue;
  if (published && (await queue.jobs.depth()).pending === 0) break;
  await queue.jobs.waitForJobs(100);
}
await queue.close();
process.send({ type: 'done', completed }, () => process.exit(0));
