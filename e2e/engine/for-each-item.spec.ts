import { testOwnFlow } from '../support/osprey-cli.js';

/**
 * ForEachItem through the built `osprey flow test`: a parent writes a file of items, a child flow runs once per batch
 * reading its batch file, and the parent reads the counts and the merged child outputs back; without wait; with a
 * failing child.
 */
interface Run {
  id: string;
  taskId: string;
  parentTaskRunId?: string | null;
  state: { current: string };
  outputs?: Record<string, unknown>;
}
interface Execution {
  id: string;
  flowId: string;
  state: { current: string };
  inputs?: Record<string, unknown>;
  outputs?: Record<string, unknown>;
  labels?: { key: string; value: string }[];
  trigger?: { type?: string; variables?: Record<string, unknown> };
  taskRunList: Run[];
}

const needs = ['for-each-item-child.yaml'];
const run1 = (e: Execution, taskId: string) => {
  const runs = e.taskRunList.filter((r) => r.taskId === taskId);
  expect(runs).toHaveLength(1);
  return runs[0]!;
};
const label = (e: Execution, key: string) => e.labels?.find((l) => l.key === key)?.value;
const byIteration = (children: Execution[]) => [...children].sort((a, b) => Number(a.inputs?.iteration) - Number(b.inputs?.iteration));

describe('ForEachItem through `osprey flow test`', () => {
  it('runs the child once per batch of rows, each reading its batch file, and merges their outputs in batch order', async () => {
    const { execution, triggered } = await testOwnFlow<Execution>('for-each-item.yaml', { needs });
    expect(execution.state.current).toBe('SUCCESS');
    expect(execution.taskRunList.map((r) => r.taskId)).toEqual(['extract', 'each', 'each_split', 'each_items', 'each_merge', 'merged']);
    const each = run1(execution, 'each');
    expect(['each_split', 'each_items', 'each_merge'].map((id) => run1(execution, id).parentTaskRunId)).toEqual([each.id, each.id, each.id]);
    expect(run1(execution, 'each_items').outputs).toEqual({
      numberOfBatches: 3,
      iterations: { CREATED: 0, RUNNING: 0, SUCCESS: 3 },
      flowOutputs: [{ batch: '1: {id:1}\n{id:2}' }, { batch: '2: {id:3}\n{id:4}' }, { batch: '3: {id:5}' }],
    });
    expect(run1(execution, 'each_split').outputs?.uris).toHaveLength(3);
    expect(run1(execution, 'merged').outputs?.value).toBe('{batch:"1: {id:1}\\n{id:2}"}\n{batch:"2: {id:3}\\n{id:4}"}\n{batch:"3: {id:5}"}');

    const children = byIteration(triggered);
    expect(children.map((c) => [c.flowId, c.state.current, c.inputs?.iteration])).toEqual([
      ['for-each-item-child', 'SUCCESS', 1],
      ['for-each-item-child', 'SUCCESS', 2],
      ['for-each-item-child', 'SUCCESS', 3],
    ]);
    // Each child got its own batch file of the parent's split, and the parent as trigger and correlation id.
    expect(children.map((c) => c.inputs?.file)).toEqual(run1(execution, 'each_split').outputs?.uris);
    for (const child of children) {
      expect(label(child, 'system.correlationId')).toBe(execution.id);
      expect(label(child, 'source')).toBe('for-each-item');
      expect(child.trigger?.variables).toMatchObject({ executionId: execution.id, flowId: 'for-each-item', namespace: 'io.osprey.tests' });
    }
  }, 180_000);

  it('fails with the batch that fails when transmitFailed, counting each child by its end state, without merging', async () => {
    const { execution, triggered } = await testOwnFlow<Execution>('for-each-item.yaml', { needs, inputs: { failAt: '2' } });
    expect(execution.state.current).toBe('FAILED');
    expect(run1(execution, 'each_items').state.current).toBe('FAILED');
    expect(run1(execution, 'each_items').outputs).toMatchObject({ numberOfBatches: 3, iterations: { CREATED: 0, RUNNING: 0, SUCCESS: 2, FAILED: 1 } });
    expect(run1(execution, 'each').state.current).toBe('FAILED');
    expect(execution.taskRunList.filter((r) => r.taskId === 'each_merge' || r.taskId === 'merged')).toEqual([]);
    expect(byIteration(triggered).map((c) => c.state.current)).toEqual(['SUCCESS', 'FAILED', 'SUCCESS']);
  }, 180_000);

  it('without wait ends once every child exists, one item a batch by default, a failing child not reaching it', async () => {
    const { execution, triggered } = await testOwnFlow<Execution>('for-each-item-no-wait.yaml', { needs });
    expect(execution.state.current).toBe('SUCCESS');
    expect(run1(execution, 'each_items').outputs).toEqual({ numberOfBatches: 3, iterations: { RUNNING: 0, SUCCESS: 3 } });
    expect(run1(execution, 'each_merge').outputs ?? {}).toEqual({});
    expect(run1(execution, 'after').outputs?.value).toBe('3 batches started');
    expect(byIteration(triggered).map((c) => c.state.current)).toEqual(['SUCCESS', 'FAILED', 'SUCCESS']);
  }, 180_000);
});
