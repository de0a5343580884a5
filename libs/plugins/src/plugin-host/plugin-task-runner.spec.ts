import { pluginTaskType, prop, type Task } from '@osprey/flow-model';
import { defineTaskType, PluginTaskFailure, type PluginRunContext } from '@osprey/plugin-sdk';
import { createTestRunContext } from '@osprey/plugins/testing';
import { z } from 'zod';
import { TaskFailure } from '../task-runner.js';
import { PluginTaskRunner } from './plugin-task-runner.js';

const TYPE = 'com.example.test.Echo';
const properties = z.object({
  text: prop.string(),
  count: prop.integer().optional(),
  ratio: prop.number().optional(),
  loud: prop.boolean().optional(),
  tags: prop.map().optional(),
  level: prop.enumOf(['LOW', 'HIGH']).optional(),
});

/** A runner of a task type whose run function is `run`; the context it got is kept. */
function runner(run: (props: Record<string, unknown>, context: PluginRunContext) => Promise<Record<string, unknown>>, outputs: z.ZodType<Record<string, unknown>> = z.object({}).passthrough()) {
  const declaration = defineTaskType({ type: TYPE, properties, outputs, run: run as never });
  return new PluginTaskRunner(pluginTaskType('test-plugin', TYPE, properties.shape), declaration);
}

async function contextFor(task: Record<string, unknown>, variables: Record<string, unknown> = {}) {
  return createTestRunContext({ task: { id: 'echo', type: TYPE, ...task } as Task, variables, expressions: 'pebble', attempt: 2, executionId: 'ex1', taskRunId: 'tr1' });
}

describe('PluginTaskRunner', () => {
  it('gives the run function its properties rendered and read as their kinds, and the run context the SDK promises', async () => {
    let received: Record<string, unknown> | undefined;
    let context: PluginRunContext | undefined;
    const ctx = await contextFor(
      { text: 42, count: '{{ n * 2 }}', ratio: '0.5', loud: '{{ n > 1 }}', tags: { who: '{{ who }}' }, level: 'high' },
      { n: 3, who: 'ann', outputs: { before: { value: 'x' } } },
    );
    try {
      const result = await runner(async (props, c) => {
        received = props;
        context = c;
        c.logger.info(`text is ${props.text}`);
        c.metric({ name: 'calls', type: 'counter', value: 1 });
        return { uri: await c.storage.putFile('out.txt', 'content') };
      }).run(ctx);
      expect(received).toEqual({ text: '42', count: 6, ratio: 0.5, loud: true, tags: { who: 'ann' }, level: 'high' });
      expect(context).toMatchObject({ execution: { id: 'ex1' }, taskRun: { id: 'tr1', taskId: 'echo', attempt: 2 }, outputs: { before: { value: 'x' } } });
      expect(await context!.render('{{ who | upper }}')).toBe('ANN');
      expect(ctx.messages('INFO')).toEqual(['text is 42']);
      expect(ctx.metrics).toEqual([{ name: 'calls', type: 'counter', value: 1 }]);
      expect(String(result.outputs?.uri)).toMatch(/^kestra:\/\/\/.*out\.txt$/);
    } finally {
      await ctx.dispose();
    }
  });

  it('leaves an absent optional property undefined and refuses a rendered value that is not of its kind, naming it', async () => {
    const absent = await contextFor({ text: 'a' });
    const wrong = await contextFor({ text: 'a', count: '{{ "many" }}' });
    try {
      let received: Record<string, unknown> | undefined;
      await runner(async (props) => ((received = props), {})).run(absent);
      expect(received).toEqual({ text: 'a', count: undefined, ratio: undefined, loud: undefined, tags: undefined, level: undefined });
      await expect(runner(async () => ({})).run(wrong)).rejects.toThrow("Invalid property 'count': expected an integer but got 'many'");
    } finally {
      await absent.dispose();
      await wrong.dispose();
    }
  });

  it('fails the attempt when the outputs do not match their schema, naming the output; a PluginTaskFailure stays an expected failure', async () => {
    const ctx = await contextFor({ text: 'a' });
    try {
      await expect(runner(async () => ({ size: 'big' }), z.object({ size: z.number() })).run(ctx)).rejects.toThrow(
        new TaskFailure(`task type ${TYPE} (plugin test-plugin) returned outputs its schema refuses: size: Invalid input: expected number, received string`),
      );
      const failure = runner(async () => {
        throw new PluginTaskFailure('no greeting today');
      }).run(ctx);
      await expect(failure).rejects.toBeInstanceOf(TaskFailure);
      await expect(failure).rejects.toThrow('no greeting today');
    } finally {
      await ctx.dispose();
    }
  });
});
