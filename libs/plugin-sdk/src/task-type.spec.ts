import { prop as flowModelProp } from '@osprey/flow-model';
import { z as zod } from 'zod';
import { definePlugin, defineTaskType, OSPREY_PLUGIN, PLUGIN_SDK_VERSION, PLUGIN_TASK_TYPE, prop, z } from './index.js';

const declaration = { type: 'com.example.sdk.Task', properties: z.object({ name: prop.string() }), outputs: z.object({}), run: async () => ({}) };

describe('the plugin SDK', () => {
  it("outside Osprey, uses the flow model's property kinds and zod", () => {
    expect(prop).toBe(flowModelProp);
    expect(z).toBe(zod);
  });

  it('marks task types and plugins with its interface version', () => {
    const task = defineTaskType(declaration);
    expect(task[PLUGIN_TASK_TYPE]).toBe(PLUGIN_SDK_VERSION);
    const plugin = definePlugin({ tasks: [task] });
    expect(plugin[OSPREY_PLUGIN]).toBe(PLUGIN_SDK_VERSION);
    expect(plugin.tasks).toEqual([task]);
  });

  it('refuses a type name that is not dotted, an alias likewise, a missing run function and a plugin without tasks', () => {
    expect(() => defineTaskType({ ...declaration, type: 'Hello' })).toThrow('task type name "Hello" must be a dotted name such as com.example.hello.Hello');
    expect(() => defineTaskType({ ...declaration, aliases: ['com.example.bad name'] })).toThrow('task type name "com.example.bad name" must be a dotted name');
    expect(() => defineTaskType({ ...declaration, run: undefined as never })).toThrow('task type com.example.sdk.Task: run must be a function');
    expect(() => definePlugin({ tasks: [] })).toThrow('a plugin declares at least one task type in tasks');
  });
});
