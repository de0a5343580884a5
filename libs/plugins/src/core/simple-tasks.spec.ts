import { afterEach, describe, expect, it } from '@jest/globals';
import type { Task } from '@osprey/flow-model';
import { createTestRunContext, type TestRunContext } from '../testing/index.js';
import { TaskFailure } from '../task-runner.js';
import { TaskAbortedError, TaskPropertyError } from '../support/task-errors.js';
import { LogTask } from './log.js';
import { EchoTask } from './echo.js';
import { ReturnTask } from './return.js';
import { OutputValuesTask } from './output-values.js';
import { FailTask } from './fail.js';
import { LabelsTask } from './labels.js';
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

describe('EchoTask', () => {
  it('logs the rendered format at the given level', async () => {
    const ctx = await context({ type: 'echo', format: '{{ task.id }} here', level: 'ERROR' });
    await new EchoTask().run(ctx);
    expect(ctx.logs).toEqual([{ level: 'ERROR', message: 't1 here' }]);
  });
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

describe('LabelsTask', () => {
  it('reads labels from an expression rendering to a JSON map', async () => {
    const ctx = await context({ type: 'labels', labels: '{{ inputs.json }}' }, { inputs: { json: '{"keyFromJson": "valueFromJson", "n": 1}' } });
    expect((await new LabelsTask().run(ctx)).labels).toEqual([
      { key: 'keyFromJson', value: 'valueFromJson' },
      { key: 'n', value: '1' },
    ]);
  });

  it('renders the keys and values of a map', async () => {
    const ctx = await context(
      { type: 'labels', labels: { '{{ inputs.k }}': '{{ inputs.v }}', flowKey: '{{ flow.namespace }}.{{ flow.id }}' } },
      { inputs: { k: 'keyFromMap', v: 'valueFromMap' } },
    );
    expect((await new LabelsTask().run(ctx)).labels).toEqual([
      { key: 'keyFromMap', value: 'valueFromMap' },
      { key: 'flowKey', value: 'io.osprey.tests.test-flow' },
    ]);
  });

  it('reads a list of key/value pairs, a later duplicate key winning', async () => {
    const ctx = await context({
      type: 'labels',
      labels: [
        { key: '{{ task.id }}', value: 'first' },
        { key: 'other', value: 3 },
        { key: 't1', value: 'second' },
      ],
    });
    expect((await new LabelsTask().run(ctx)).labels).toEqual([
      { key: 't1', value: 'second' },
      { key: 'other', value: '3' },
    ]);
  });

  it('refuses system labels and malformed values', async () => {
    await expect(new LabelsTask().run(await context({ type: 'labels', labels: { 'system.correlationId': 'x' } }))).rejects.toThrow(
      'system labels',
    );
    await expect(new LabelsTask().run(await context({ type: 'labels', labels: 'not json' }))).rejects.toThrow(TaskPropertyError);
    await expect(new LabelsTask().run(await context({ type: 'labels' }))).rejects.toThrow(TaskPropertyError);
  });
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
    expect(Date.now() - started).toBeLessThan(1000);
  });

  it('rejects a malformed duration', async () => {
    await expect(new SleepTask().run(await context({ type: 'sleep', duration: '2 seconds' }))).rejects.toThrow("Invalid property 'duration'");
  });
});
