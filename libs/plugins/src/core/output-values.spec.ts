import { afterEach, describe, expect, it } from '@jest/globals';
import type { Task } from '@osprey/flow-model';
import { createTestRunContext, type TestRunContext } from '../testing/index.js';
import { OutputValuesTask } from './output-values.js';

const contexts: TestRunContext[] = [];
async function context(task: Omit<Task, 'id'> & { id?: string }, variables?: Record<string, unknown>) {
  const ctx = await createTestRunContext({ task: { id: 't1', ...task } as Task, variables });
  contexts.push(ctx);
  return ctx;
}
afterEach(async () => {
  await Promise.all(contexts.splice(0).map((ctx) => ctx.dispose()));
});

describe('OutputValuesTask', () => {
  it('outputs the deeply rendered values map under values', async () => {
    const ctx = await context(
      { type: 'ov', values: { output1: 'xyz', nested: { list: ['{{ task.id }}', 2] }, info: '{{ task.id }} > x' } },
    );
    expect(await new OutputValuesTask().run(ctx)).toEqual({
      outputs: { values: { output1: 'xyz', nested: { list: ['t1', 2] }, info: 't1 > x' } },
    });
  });
});
