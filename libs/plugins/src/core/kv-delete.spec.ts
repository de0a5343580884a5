import { describe, expect, it } from '@jest/globals';
import { taskContexts } from '../testing/task-contexts.fixture.js';
import { KvDeleteTask } from './kv-delete.js';

const { context, kvStore: store } = taskContexts({ id: 'kv', type: 'kv' });

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
