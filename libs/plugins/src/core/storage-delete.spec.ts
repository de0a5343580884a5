import { afterAll, afterEach, beforeAll, describe, expect, it } from '@jest/globals';
import { tmpdir } from 'node:os';
import { mkdtemp, rm } from 'node:fs/promises';
import type { Task } from '@osprey/flow-model';
import { createTestRunContext, type TestRunContext } from '../testing/index.js';
import { StorageDeleteTask } from './storage-delete.js';
import { StorageSizeTask } from './storage-size.js';

const contexts: TestRunContext[] = [];
let storageRoot: string;
beforeAll(async () => {
  storageRoot = await mkdtemp(`${tmpdir()}/osprey-storage-`);
});
afterAll(async () => {
  await rm(storageRoot, { recursive: true, force: true });
});
async function context(properties: Record<string, unknown>, variables?: Record<string, unknown>) {
  const ctx = await createTestRunContext({ task: { id: 'st', type: 'storage', ...properties } as Task, variables, storageRoot });
  contexts.push(ctx);
  return ctx;
}
afterEach(async () => {
  await Promise.all(contexts.splice(0).map((ctx) => ctx.dispose()));
});

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
