import { afterEach, describe, expect, it } from '@jest/globals';
import type { Task } from '@osprey/flow-model';
import { createTestRunContext, type TestRunContext } from '../testing/index.js';
import { TaskPropertyError } from '../support/task-errors.js';
import { LogTask } from './log.js';

const contexts: TestRunContext[] = [];
async function context(task: Omit<Task, 'id'> & { id?: string }, variables?: Record<string, unknown>) {
  const ctx = await createTestRunContext({ task: { id: 't1', ...task } as Task, variables });
  contexts.push(ctx);
  return ctx;
}
afterEach(async () => {
  await Promise.all(contexts.splice(0).map((ctx) => ctx.dispose()));
});

describe('LogTask', () => {
  it('logs the rendered message at INFO by default and has no outputs', async () => {
    const ctx = await context({ type: 'io.kestra.plugin.core.log.Log', message: 'Hello {{ inputs.name }}' }, { inputs: { name: 'Ada' } });
    expect(await new LogTask().run(ctx)).toEqual({});
    expect(ctx.logs).toEqual([{ level: 'INFO', message: 'Hello Ada' }]);
  });

  it('logs each message of a list at the given level', async () => {
    const ctx = await context({ type: 'log', message: ['one {{ task.id }}', 'two'], level: 'warn' });
    await new LogTask().run(ctx);
    expect(ctx.logs).toEqual([
      { level: 'WARN', message: 'one t1' },
      { level: 'WARN', message: 'two' },
    ]);
  });

  it('fails on an unknown level and on a missing message', async () => {
    await expect(new LogTask().run(await context({ type: 'log', message: 'x', level: 'LOUD' }))).rejects.toThrow(TaskPropertyError);
    await expect(new LogTask().run(await context({ type: 'log' }))).rejects.toThrow("Invalid property 'message'");
  });

  it('fails when the message cannot be rendered', async () => {
    const ctx = await context({ type: 'log', message: '{{ missingVar }}' });
    await expect(new LogTask().run(ctx)).rejects.toThrow('missingVar');
  });
});
