import { describe, expect, it } from '@jest/globals';
import { taskContexts } from '../testing/task-contexts.fixture.js';
import { KvGetTask } from './kv-get.js';

const { context, kvStore: store } = taskContexts({ id: 'kv', type: 'kv' });

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
