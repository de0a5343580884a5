import { afterEach, describe, expect, it } from '@jest/globals';
import type { Task } from '@osprey/flow-model';
import { createTestRunContext, type TestRunContext } from '../testing/index.js';
import { TaskAbortedError } from '../support/task-errors.js';
import { SleepTask } from './sleep.js';

const contexts: TestRunContext[] = [];
async function context(task: Omit<Task, 'id'> & { id?: string }, variables?: Record<string, unknown>) {
  const ctx = await createTestRunContext({ task: { id: 't1', ...task } as Task, variables });
  contexts.push(ctx);
  return ctx;
}
afterEach(async () => {
  await Promise.all(contexts.splice(0).map((ctx) => ctx.dispose()));
});

describe('SleepTask', () => {
  it('waits for the ISO-8601 duration', async () => {
    const ctx = await context({ type: 'sleep', duration: 'PT0.2S' });
    const started = Date.now();
    await new SleepTask().run(ctx);
    expect(Date.now() - started).toBeGreaterThanOrEqual(190);
  });

  it('stops at once when aborted', async () => {
    const ctx = await context({ type: 'sleep', duration: 'PT30S' });
    const started = Date.now();
    const run = new SleepTask().run(ctx);
    setTimeout(() => ctx.abort(new Error('killed by user')), 50);
    await expect(run).rejects.toThrow(TaskAbortedError);
    await expect(run).rejects.toThrow('Task aborted: killed by user');
    expect(Date.now() - started).toBeLessThan(10_000);
  });

  it('rejects a malformed duration', async () => {
    await expect(new SleepTask().run(await context({ type: 'sleep', duration: '2 seconds' }))).rejects.toThrow("Invalid property 'duration'");
  });
});
