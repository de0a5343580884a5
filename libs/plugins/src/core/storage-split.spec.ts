import { describe, expect, it } from '@jest/globals';
import { taskContexts } from '../testing/task-contexts.fixture.js';
import { parseByteSize, StorageSplitTask } from './storage-split.js';

const { context, read } = taskContexts({ id: 'split', type: 'io.kestra.plugin.core.storage.Split' });
const ROWS = Array.from({ length: 10 }, (_, i) => `row-${i}`);

async function split(properties: Record<string, unknown>, content = `${ROWS.join('\n')}\n`, name = 'in.csv') {
  const source = await context({});
  const from = await source.storage.putFile(name, content);
  const ctx = await context({ from, ...properties });
  const uris = (await new StorageSplitTask().run(ctx)).outputs?.['uris'] as string[];
  return { uris, parts: await Promise.all(uris.map((uri) => read(ctx, uri))) };
}

describe('StorageSplitTask', () => {
  it('splits by rows, keeping the extension', async () => {
    const { uris, parts } = await split({ rows: 4 });
    expect(uris.every((uri) => uri.endsWith('.csv'))).toBe(true);
    expect(parts).toEqual(['row-0\nrow-1\nrow-2\nrow-3\n', 'row-4\nrow-5\nrow-6\nrow-7\n', 'row-8\nrow-9\n']);
  });

  it('deals lines to partitions in turn and drops the empty ones', async () => {
    expect((await split({ partitions: 3 })).parts).toEqual(['row-0\nrow-3\nrow-6\nrow-9\n', 'row-1\nrow-4\nrow-7\n', 'row-2\nrow-5\nrow-8\n']);
    expect((await split({ partitions: 4 }, 'a\nb\n')).parts).toEqual(['a\n', 'b\n']);
  });

  it('starts a new part once a part has reached the size, and writes the separator after each line', async () => {
    // Each line is 6 bytes with its separator: a part takes lines until it holds 12 bytes or more.
    const { parts } = await split({ bytes: '12', separator: ';' }, 'row-0\r\nrow-1\nrow-2\nrow-3\nrow-4');
    expect(parts).toEqual(['row-0;row-1;', 'row-2;row-3;', 'row-4;']);
  });

  it('reads sizes with units of 1024', () => {
    expect(parseByteSize('10MB')).toBe(10 * 1024 * 1024);
    expect(parseByteSize('200kb')).toBe(200 * 1024);
    expect(parseByteSize('1GB')).toBe(1024 ** 3);
    expect(parseByteSize('512')).toBe(512);
    expect(() => parseByteSize('ten')).toThrow("Invalid property 'bytes': invalid size 'ten'");
  });

  it('refuses no rule or more than one, instead of picking one', async () => {
    await expect(split({})).rejects.toThrow("Invalid property 'bytes': one of bytes, partitions or rows is required");
    await expect(split({ rows: 2, partitions: 2 })).rejects.toThrow('only one of bytes, partitions or rows may be set, not partitions and rows');
    await expect(split({ rows: 0 })).rejects.toThrow("Invalid property 'rows': must be at least 1 but got 0");
  });

  it('renders from and the rule, and outputs no part for an empty file', async () => {
    const source = await context({});
    const from = await source.storage.putFile('empty.txt', '');
    const ctx = await context({ from: '{{ inputs.file }}', rows: '{{ inputs.rows }}' }, { inputs: { file: from, rows: '2' } });
    expect((await new StorageSplitTask().run(ctx)).outputs).toEqual({ uris: [] });
  });
});
