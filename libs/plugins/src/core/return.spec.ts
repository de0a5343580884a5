import { afterEach, describe, expect, it } from '@jest/globals';
import type { Task } from '@osprey/flow-model';
import { createTestRunContext, type TestRunContext } from '../testing/index.js';
import { ReturnTask } from './return.js';

const contexts: TestRunContext[] = [];
async function context(task: Omit<Task, 'id'> & { id?: string }, variables?: Record<string, unknown>) {
  const ctx = await createTestRunContext({ task: { id: 't1', ...task } as Task, variables });
  contexts.push(ctx);
  return ctx;
}
afterEach(async () => {
  await Promise.all(contexts.splice(0).map((ctx) => ctx.dispose()));
});

describe('ReturnTask', () => {
  it('outputs the rendered format as value', async () => {
    const ctx = await context({ type: 'return', format: '{{ flow.id }}:{{ task.id }}' });
    expect(await new ReturnTask().run(ctx)).toEqual({ outputs: { value: 'test-flow:t1' } });
  });

  it('turns a non-text format into text', async () => {
    const ctx = await context({ type: 'return', format: 42 });
    expect((await new ReturnTask().run(ctx)).outputs).toEqual({ value: '42' });
  });
});
