import { describe, expect, it } from '@jest/globals';
import { taskContexts } from '../testing/task-contexts.fixture.js';
import { StorageDeleteTask } from './storage-delete.js';
import { StorageSizeTask } from './storage-size.js';

const { context } = taskContexts({ id: 'st', type: 'storage' });

describe('StorageSizeTask and StorageDeleteTask', () => {
  it('measure and delete a stored file', async () => {
    const ctx = await context({});
    const uri = await ctx.storage.putFile('data.txt', '12345');
    const sizeCtx = await context({ uri: '{{ outputs.w.uri }}' }, { outputs: { w: { uri } } });
    expect(await new StorageSizeTask().run(sizeCtx)).toEqual({ outputs: { size: 5 } });
    expect(await new StorageDeleteTask().run(await context({ uri }))).toEqual({ outputs: { uri, deleted: true } });
    expect(await new StorageDeleteTask().run(await context({ uri }))).toEqual({ outputs: { uri, deleted: false } });
  });

  it('fails deleting a missing file with errorOnMissing', async () => {
    const uri = 'kestra:///io/osprey/tests/test-flow/executions/test-execution/missing.txt';
    await expect(new StorageDeleteTask().run(await context({ uri, errorOnMissing: true }))).rejects.toThrow(`Unable to find file '${uri}'`);
  });
});
