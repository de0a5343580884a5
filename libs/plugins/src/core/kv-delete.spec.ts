import { afterEach, describe, expect, it } from '@jest/globals';
import type { Task } from '@osprey/flow-model';
import { createTestRunContext, type TestKvEntry, type TestRunContext } from '../testing/index.js';
import { KvDeleteTask } from './kv-delete.js';

const contexts: TestRunContext[] = [];
const store = new Map<string, TestKvEntry>();
async function context(properties: Record<string, unknown>, variables?: Record<string, unknown>) {
  const ctx = await createTestRunContext({ task: { id: 'kv', type: 'kv', ...properties } as Task, variables, kvStore: store });
  contexts.push(ctx);
  return ctx;
}
afterEach(async () => {
  store.clear();
  await Promise.all(contexts.splice(0).map((ctx) => ctx.dispose()));
});

describe('KvDeleteTask', () => {
  it('deletes a key and says so', async () => {
    store.set('io.osprey.tests/k', { value: 1 });
    expect(await new KvDeleteTask().run(await context({ key: 'k' }))).toEqual({ outputs: { deleted: true } });
    expect(store.has('io.osprey.tests/k')).toBe(false);
  });

  it('reports a missing key as not deleted, or fails with errorOnMissing', async () => {
    expect(await new KvDeleteTask().run(await context({ key: 'k' }))).toEqual({ outputs: { deleted: false } });
    await expect(new KvDeleteTask().run(await context({ key: 'k', errorOnMissing: '{{ inputs.strict }}' }, { inputs: { strict: 'true' } }))).rejects.toThrow(
      'errorOnMissing',
    );
  });
});
