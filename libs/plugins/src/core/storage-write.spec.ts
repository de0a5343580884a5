import { afterAll, afterEach, beforeAll, describe, expect, it } from '@jest/globals';
import { tmpdir } from 'node:os';
import { mkdtemp, rm } from 'node:fs/promises';
import type { Task } from '@osprey/flow-model';
import { createTestRunContext, type TestRunContext } from '../testing/index.js';
import { StorageWriteTask } from './storage-write.js';

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

async function read(ctx: TestRunContext, uri: string): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of await ctx.storage.get(uri)) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

describe('StorageWriteTask', () => {
  it('stores the rendered content and outputs its uri and size', async () => {
    const ctx = await context({ content: 'héllo {{ task.id }}', extension: 'txt' });
    const { outputs } = await new StorageWriteTask().run(ctx);
    expect(outputs?.['uri']).toMatch(/^kestra:\/\/\/io\/osprey\/tests\/test-flow\/executions\/test-execution\/.+\.txt$/);
    expect(outputs?.['size']).toBe(Buffer.byteLength('héllo st'));
    expect(await read(ctx, outputs?.['uri'] as string)).toBe('héllo st');
  });

  it('uses .tmp without an extension, and gives each run its own file', async () => {
    const ctx = await context({ content: 'x' });
    const first = (await new StorageWriteTask().run(ctx)).outputs?.['uri'] as string;
    const second = (await new StorageWriteTask().run(ctx)).outputs?.['uri'] as string;
    expect(first).toMatch(/\.tmp$/);
    expect(first).not.toBe(second);
  });

  it('stores structured content as JSON', async () => {
    const ctx = await context({ content: { id: '{{ task.id }}', list: [1] } });
    const uri = (await new StorageWriteTask().run(ctx)).outputs?.['uri'] as string;
    expect(JSON.parse(await read(ctx, uri))).toEqual({ id: 'st', list: [1] });
  });

  it('fails without content', async () => {
    await expect(new StorageWriteTask().run(await context({}))).rejects.toThrow("Invalid property 'content'");
  });
});
