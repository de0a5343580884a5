import { afterEach, describe, expect, it } from '@jest/globals';
import type { Task } from '@osprey/flow-model';
import { createTestRunContext, type TestRunContext } from '../testing/index.js';
import { TaskFailure } from '../task-runner.js';
import { FailTask } from './fail.js';

const contexts: TestRunContext[] = [];
async function context(task: Omit<Task, 'id'> & { id?: string }, variables?: Record<string, unknown>) {
  const ctx = await createTestRunContext({ task: { id: 't1', ...task } as Task, variables });
  contexts.push(ctx);
  return ctx;
}
afterEach(async () => {
  await Promise.all(contexts.splice(0).map((ctx) => ctx.dispose()));
});

describe('FailTask', () => {
  it('fails with the default message when it has no condition', async () => {
    const run = new FailTask().run(await context({ type: 'fail' }));
    await expect(run).rejects.toThrow(TaskFailure);
    await expect(new FailTask().run(await context({ type: 'fail' }))).rejects.toThrow('Task failure');
  });

  it('fails with the rendered errorMessage', async () => {
    const ctx = await context({ type: 'fail', errorMessage: 'bad {{ task.id }}' });
    await expect(new FailTask().run(ctx)).rejects.toThrow('bad t1');
  });

  it.each(['false', '0', '-0', ''])('succeeds when the condition renders %j', async (value) => {
    const ctx = await context({ type: 'fail', condition: '{{ inputs.c }}' }, { inputs: { c: value } });
    expect(await new FailTask().run(ctx)).toEqual({});
  });

  it.each(['true', 'yes', 'False', ' false'])('fails when the condition renders %j (Kestra truthiness)', async (value) => {
    const ctx = await context({ type: 'fail', condition: '{{ inputs.c }}' }, { inputs: { c: value } });
    await expect(new FailTask().run(ctx)).rejects.toThrow('Task failure');
  });

  it('treats a literal boolean condition like its text', async () => {
    expect(await new FailTask().run(await context({ type: 'fail', condition: false }))).toEqual({});
    await expect(new FailTask().run(await context({ type: 'fail', condition: true }))).rejects.toThrow(TaskFailure);
  });
});
