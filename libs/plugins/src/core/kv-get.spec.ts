import { afterEach, describe, expect, it } from '@jest/globals';
import type { Task } from '@osprey/flow-model';
import { createTestRunContext, type TestKvEntry, type TestRunContext } from '../testing/index.js';
import { KvGetTask } from './kv-get.js';

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

describe('KvGetTask', () => {
  it('outputs the stored value', async () => {
    store.set('io.osprey.tests/k', { value: { n: 1 } });
    expect(await new KvGetTask().run(await context({ key: 'k' }))).toEqual({ outputs: { value: { n: 1 } } });
  });

  it('outputs no value for a missing key, or fails with errorOnMissing', async () => {
    expect(await new KvGetTask().run(await context({ key: 'missing' }))).toEqual({ outputs: {} });
    await expect(new KvGetTask().run(await context({ key: 'missing', errorOnMissing: true }))).rejects.toThrow(
      "No value found for key 'missing' in namespace 'io.osprey.tests' and `errorOnMissing` is set to true",
    );
  });

  it('reads from the given namespace', async () => {
    store.set('team.a/k', { value: 'A' });
    expect((await new KvGetTask().run(await context({ key: 'k', namespace: 'team.a' }))).outputs).toEqual({ value: 'A' });
  });
});
