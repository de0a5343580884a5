import { describe, expect, it } from '@jest/globals';
import { taskContexts } from '../testing/task-contexts.fixture.js';
import { TaskFailure } from '../task-runner.js';
import { AssertTask } from './assert.js';

const { context } = taskContexts({ id: 'check', type: 'io.kestra.plugin.core.execution.Assert' }, { expressions: 'pebble' });

describe('AssertTask', () => {
  it('succeeds when every condition renders true, counting them', async () => {
    const ctx = await context({ conditions: ["{{ inputs.param == 'ok' }}", '{{ 1 + 1 == 2 }}', 'yes'] }, { inputs: { param: 'ok' } });
    expect(await new AssertTask().run(ctx)).toEqual({});
    expect(ctx.metrics).toEqual([
      { name: 'success', type: 'counter', value: 2 + 1 },
      { name: 'failed', type: 'counter', value: 0 },
    ]);
    expect(ctx.messages('ERROR')).toEqual([]);
  });

  it('fails with the count of false conditions and errorMessage, logging each failed condition at ERROR', async () => {
    const ctx = await context(
      { conditions: ["{{ inputs.param == 'ok' }}", '{{ 1 + 1 == 3 }}', '{{ 0 }}', '{{ 1 }}'], errorMessage: 'bad {{ inputs.param }}' },
      { inputs: { param: 'ko' } },
    );
    await expect(new AssertTask().run(ctx)).rejects.toThrow(new TaskFailure('3 assertions failed!\nbad ko'));
    expect(ctx.messages('ERROR')).toEqual(["Assertion `{{ inputs.param == 'ok' }}` failed!", 'Assertion `{{ 1 + 1 == 3 }}` failed!', 'Assertion `{{ 0 }}` failed!']);
    expect(ctx.metrics).toEqual([
      { name: 'success', type: 'counter', value: 1 },
      { name: 'failed', type: 'counter', value: 3 },
    ]);
  });

  it('counts a condition that does not render as failed, and says "assertion" for one', async () => {
    const ctx = await context({ conditions: ['{{ missing.variable }}', 'true'] });
    await expect(new AssertTask().run(ctx)).rejects.toThrow(new TaskFailure('1 assertion failed!'));
    expect(ctx.messages('ERROR')).toEqual([expect.stringMatching(/^Assertion `\{\{ missing\.variable \}\}` failed, failed to render `.+`$/)]);
  });

  it('reads only false, 0, -0 and the empty text as false, as Kestra does', async () => {
    const ctx = await context({ conditions: ['false', '0', '-0', '', 'False', ' false', 'null'] });
    await expect(new AssertTask().run(ctx)).rejects.toThrow('4 assertions failed!');
  });
});
