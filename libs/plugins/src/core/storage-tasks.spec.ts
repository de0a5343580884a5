import { afterAll, afterEach, beforeAll, describe, expect, it } from '@jest/globals';
import { tmpdir } from 'node:os';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import type { Task } from '@osprey/flow-model';
import { createTestRunContext, type TestRunContext } from '../testing/index.js';
import { StorageWriteTask } from './storage-write.js';
import { StorageDeleteTask } from './storage-delete.js';
import { StorageSizeTask } from './storage-size.js';
import { StorageConcatTask } from './storage-concat.js';

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

describe('StorageConcatTask', () => {
  it('concatenates a list of files, each followed by the separator', async () => {
    const ctx = await context({});
    const a = await ctx.storage.putFile('a.txt', 'A1\nA2');
    const b = await ctx.storage.putFile('b.txt', 'B');
    const concat = await context({ files: [a, '{{ inputs.b }}'], separator: '\n', extension: '.csv' }, { inputs: { b } });
    const uri = (await new StorageConcatTask().run(concat)).outputs?.['uri'] as string;
    expect(uri).toMatch(/\.csv$/);
    expect(await read(concat, uri)).toBe('A1\nA2\nB\n');
  });

  it('accepts a JSON list rendered from an expression', async () => {
    const ctx = await context({});
    const a = await ctx.storage.putFile('a.txt', 'x');
    const b = await ctx.storage.putFile('b.txt', 'y');
    const concat = await context({ files: '{{ inputs.files }}' }, { inputs: { files: JSON.stringify([a, b, a]) } });
    const uri = (await new StorageConcatTask().run(concat)).outputs?.['uri'] as string;
    expect(uri).toMatch(/\.tmp$/);
    expect(await readFile(`${concat.storageRoot}/${uri.slice('kestra:///'.length)}`, 'utf8')).toBe('xyx');
  });

  it('streams large files without changing a byte', async () => {
    const ctx = await context({});
    const big = Buffer.alloc(3 * 1024 * 1024 + 17, 'abcdefghij');
    const a = await ctx.storage.putFile('big.bin', big);
    const uri = (await new StorageConcatTask().run(await context({ files: [a, a] }))).outputs?.['uri'] as string;
    expect(await ctx.storage.size(uri)).toBe(big.length * 2);
  });

  it('fails on a missing file', async () => {
    const missing = 'kestra:///io/osprey/tests/test-flow/executions/test-execution/nope.txt';
    await expect(new StorageConcatTask().run(await context({ files: [missing] }))).rejects.toThrow();
  });
});
