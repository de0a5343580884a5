import { describe, expect, it } from '@jest/globals';
import { readFile } from 'node:fs/promises';
import { taskContexts } from '../testing/task-contexts.fixture.js';
import { StorageConcatTask } from './storage-concat.js';

const { context, read } = taskContexts({ id: 'st', type: 'storage' });

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
