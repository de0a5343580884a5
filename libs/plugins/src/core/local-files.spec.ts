import { describe, expect, it } from '@jest/globals';
import { mkdir, readFile, symlink, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { taskContexts } from '../testing/task-contexts.fixture.js';
import { LocalFilesTask } from './local-files.js';

const { context } = taskContexts({ id: 'lf', type: 'localfiles' });

describe('LocalFilesTask', () => {
  it('writes rendered inputs into the working directory, creating folders', async () => {
    const ctx = await context({ inputs: { 'out/stay.txt': '{{ taskrun.id }}', '{{ inputs.name }}.txt': 'hello' } }, { inputs: { name: 'greeting' } });
    expect(await new LocalFilesTask().run(ctx)).toEqual({ outputs: { uris: {} } });
    const dir = await ctx.workingDirectory();
    expect(await readFile(path.join(dir, 'out/stay.txt'), 'utf8')).toBe('test-taskrun');
    expect(await readFile(path.join(dir, 'greeting.txt'), 'utf8')).toBe('hello');
  });

  it('copies a kestra:// input from internal storage', async () => {
    const ctx = await context({});
    const uri = await ctx.storage.putFile('source.csv', 'a,b\n1,2\n');
    const copy = await context({ inputs: { 'data.csv': uri } });
    await new LocalFilesTask().run(copy);
    expect(await readFile(path.join(await copy.workingDirectory(), 'data.csv'), 'utf8')).toBe('a,b\n1,2\n');
  });

  it('accepts inputs as a JSON map expression', async () => {
    const ctx = await context({ inputs: '{{ inputs.files }}' }, { inputs: { files: '{"a.txt": "A"}' } });
    await new LocalFilesTask().run(ctx);
    expect(await readFile(path.join(await ctx.workingDirectory(), 'a.txt'), 'utf8')).toBe('A');
  });

  it('uploads the files matching the output globs, keyed by relative path', async () => {
    const ctx = await context({ outputs: ['out/*', '*.json'] });
    const dir = await ctx.workingDirectory();
    await mkdir(path.join(dir, 'out/deeper'), { recursive: true });
    await writeFile(path.join(dir, 'out/stay.txt'), 'stay');
    await writeFile(path.join(dir, 'out/deeper/no.txt'), 'not matched by out/*');
    await writeFile(path.join(dir, 'a.json'), '{}');
    await writeFile(path.join(dir, 'b.txt'), 'not matched');
    const uris = (await new LocalFilesTask().run(ctx)).outputs?.['uris'] as Record<string, string>;
    expect(Object.keys(uris).sort()).toEqual(['a.json', 'out/stay.txt']);
    expect(uris['out/stay.txt']).toMatch(/^kestra:\/\/\/.*out\/stay\.txt$/);
    expect(await ctx.storage.size(uris['out/stay.txt']!)).toBe(4);
  });

  it('refuses paths that leave the working directory', async () => {
    await expect(new LocalFilesTask().run(await context({ inputs: { '../escape.txt': 'x' } }))).rejects.toThrow('inside the working directory');
    await expect(new LocalFilesTask().run(await context({ inputs: { '/etc/passwd': 'x' } }))).rejects.toThrow('inside the working directory');
    await expect(new LocalFilesTask().run(await context({ outputs: ['../**'] }))).rejects.toThrow('relative to the working directory');
  });

  it('refuses to upload a symbolic link that points outside the working directory', async () => {
    const ctx = await context({ outputs: ['*.txt'] });
    await symlink('/etc/hostname', path.join(await ctx.workingDirectory(), 'leak.txt'));
    await expect(new LocalFilesTask().run(ctx)).rejects.toThrow('outside the working directory');
  });
});
