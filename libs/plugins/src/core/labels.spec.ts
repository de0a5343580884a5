import { afterEach, describe, expect, it } from '@jest/globals';
import type { Task } from '@osprey/flow-model';
import { createTestRunContext, type TestRunContext } from '../testing/index.js';
import { TaskPropertyError } from '../support/task-errors.js';
import { LabelsTask } from './labels.js';

const contexts: TestRunContext[] = [];
async function context(task: Omit<Task, 'id'> & { id?: string }, variables?: Record<string, unknown>) {
  const ctx = await createTestRunContext({ task: { id: 't1', ...task } as Task, variables });
  contexts.push(ctx);
  return ctx;
}
afterEach(async () => {
  await Promise.all(contexts.splice(0).map((ctx) => ctx.dispose()));
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
