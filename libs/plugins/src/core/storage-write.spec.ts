import { describe, expect, it } from '@jest/globals';
import { taskContexts } from '../testing/task-contexts.fixture.js';
import { StorageWriteTask } from './storage-write.js';

const { context, read } = taskContexts({ id: 'st', type: 'storage' });

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
