import { describe, expect, it } from '@jest/globals';
import { taskContexts } from '../testing/task-contexts.fixture.js';
import { TaskFailure } from '../task-runner.js';
import { createTaskRegistry } from '../task-registry.js';

const { context, read } = taskContexts({ id: 'template', type: 'io.kestra.plugin.core.templating.TemplatedTask' }, { expressions: 'pebble' });
const templated = createTaskRegistry().get('io.kestra.plugin.core.templating.TemplatedTask')!;

describe('TemplatedTask', () => {
  it('renders spec, then runs the task it defines with its outputs', async () => {
    const ctx = await context({ spec: "type: {{ type }}\nformat: It's alive!" }, { type: 'io.kestra.plugin.core.debug.Return' });
    expect(await templated.run(ctx)).toEqual({ outputs: { value: "It's alive!" } });
  });

  it("runs the templated task on its own run context: its files are this task's", async () => {
    const ctx = await context({ spec: 'type: io.kestra.plugin.core.storage.Write\ncontent: "{{ inputs.text }}"\nextension: .txt' }, { inputs: { text: 'written' } });
    const outputs = (await templated.run(ctx)).outputs!;
    expect(outputs['uri']).toMatch(/\/tasks\/template\/test-taskrun\/.+\.txt$/);
    await expect(read(ctx, outputs['uri'] as string)).resolves.toBe('written');
  });

  it('refuses a TemplatedTask, a flowable and a task the executor runs, with Kestra\'s messages', async () => {
    await expect(templated.run(await context({ spec: 'type: io.kestra.plugin.core.templating.TemplatedTask\nspec: whatever' }))).rejects.toThrow(
      new TaskFailure("The templated task cannot be of type 'io.kestra.plugin.core.templating.TemplatedTask'"),
    );
    await expect(templated.run(await context({ spec: 'type: io.kestra.plugin.core.flow.Pause\ndelay: PT10S' }))).rejects.toThrow(new TaskFailure('The templated task must be a runnable task'));
    await expect(templated.run(await context({ spec: 'type: io.kestra.plugin.core.execution.Exit\nstate: KILLED' }))).rejects.toThrow('The templated task must be a runnable task');
  });

  it('refuses an unknown type, a spec that is not a map, the properties only the executor applies, and an invalid inner property', async () => {
    await expect(templated.run(await context({ spec: 'type: io.kestra.plugin.nope.Nope' }))).rejects.toThrow("Invalid property 'spec': unknown task type io.kestra.plugin.nope.Nope");
    await expect(templated.run(await context({ spec: '- a\n- b' }))).rejects.toThrow("Invalid property 'spec': must render to a task definition (a YAML map)");
    await expect(templated.run(await context({ spec: 'type: io.kestra.plugin.core.debug.Return\nformat: x\nretry:\n  type: constant' }))).rejects.toThrow(
      "Invalid property 'spec.retry': is not supported by Osprey in a templated task",
    );
    await expect(templated.run(await context({ spec: 'type: io.kestra.plugin.core.debug.Return\nformat: x\nfrmat: y' }))).rejects.toThrow(
      "Invalid property 'spec.frmat': unknown property 'frmat' for task type io.kestra.plugin.core.debug.Return",
    );
  });
});
