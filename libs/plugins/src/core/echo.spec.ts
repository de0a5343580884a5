import { afterEach, describe, expect, it } from '@jest/globals';
import type { Task } from '@osprey/flow-model';
import { createTestRunContext, type TestRunContext } from '../testing/index.js';
import { EchoTask } from './echo.js';

const contexts: TestRunContext[] = [];
async function context(task: Omit<Task, 'id'> & { id?: string }, variables?: Record<string, unknown>) {
  const ctx = await createTestRunContext({ task: { id: 't1', ...task } as Task, variables });
  contexts.push(ctx);
  return ctx;
}
afterEach(async () => {
  await Promise.all(contexts.splice(0).map((ctx) => ctx.dispose()));
});

describe('EchoTask', () => {
  it('logs the rendered format at the given level', async () => {
    const ctx = await context({ type: 'echo', format: '{{ task.id }} here', level: 'ERROR' });
    await new EchoTask().run(ctx);
    expect(ctx.logs).toEqual([{ level: 'ERROR', message: 't1 here' }]);
  });
});
