import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openLocalStorage, StorageNotFoundError, type LocalStorage } from '@osprey/storage';
import { InvalidArgumentError } from '../invalid-argument-error.js';
import { kvType, parseKvBody } from './kv-value.js';
import { NamespaceFiles } from './namespace-files.js';
import { withParentNamespaces } from './namespace-name.js';

describe('NamespaceFiles on local storage', () => {
  let dir: string;
  let storage: LocalStorage;
  let files: NamespaceFiles;

  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'osprey-nsfiles-'));
    storage = openLocalStorage(dir);
    files = new NamespaceFiles(storage);
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it("keeps files under Kestra's <namespace folders>/_files prefix", async () => {
    await files.put('company.team', '/scripts/run.sh', 'echo hi');
    expect(readdirSync(join(dir, 'company', 'team', '_files', 'scripts'))).toEqual(['run.sh']);
    expect((await files.list('company.team')).map((f) => [f.fileName, f.type])).toEqual([['scripts', 'Directory']]);
    expect(await files.list('company.team', 'scripts')).toEqual([expect.objectContaining({ fileName: 'run.sh', type: 'File', size: 7 })]);
    // A parent namespace does not see its children's files as its own.
    expect(await files.list('company')).toEqual([]);
  });

  it('refuses paths that leave the prefix and namespaces that are not names', async () => {
    for (const path of ['..', '../x', 'a/../../x', 'a//b', './a', 'a\\b']) {
      await expect(files.put('company', path, 'x')).rejects.toThrow(InvalidArgumentError);
    }
    await expect(files.get('../etc', 'passwd')).rejects.toThrow(InvalidArgumentError);
    await expect(files.put('company', '/', 'x')).rejects.toThrow(InvalidArgumentError);
    await expect(files.delete('company', '')).rejects.toThrow(InvalidArgumentError);
  });

  it('deletes a file or a folder and reports missing ones', async () => {
    await files.put('n', 'a/b.txt', 'b');
    await files.put('n', 'a/c/d.txt', 'd');
    expect(await files.delete('n', 'a/b.txt')).toBe(true);
    expect(await files.delete('n', 'a')).toBe(true);
    expect(await files.delete('n', 'a')).toBe(false);
    await expect(files.stats('n', 'a')).rejects.toThrow(StorageNotFoundError);
  });

  it('keeps an empty folder made with createDirectory until its last file goes, and never lists its marker', async () => {
    await files.createDirectory('n', '/empty/inner');
    expect(await files.list('n')).toEqual([expect.objectContaining({ fileName: 'empty', type: 'Directory' })]);
    expect(await files.list('n', 'empty/inner')).toEqual([]);
    expect(await files.stats('n', 'empty/inner')).toMatchObject({ type: 'Directory' });
    expect(await files.listAll('n')).toEqual([]);
    await files.put('n', 'empty/inner/x.txt', 'x');
    expect(await files.listAll('n')).toEqual(['empty/inner/x.txt']);
    expect(await files.delete('n', 'empty/inner/x.txt')).toBe(true);
    // As in Kestra, deleting a folder's last file deletes the emptied folders above it.
    expect(await files.list('n')).toEqual([]);
    await files.put('n', 'file.txt', 'f');
    await expect(files.createDirectory('n', 'file.txt')).rejects.toThrow(InvalidArgumentError);
    await expect(files.put('n', 'a/.osprey-folder', 'x')).rejects.toThrow(InvalidArgumentError);
  });

  it('moves a file or a folder with everything in it, refusing an existing target or a move into itself', async () => {
    await files.put('n', 'a/one.txt', '1');
    await files.put('n', 'a/sub/two.txt', '22');
    await files.put('n', 'keep.txt', 'k');
    await files.move('n', '/a', '/b/moved');
    expect(await files.listAll('n')).toEqual(['b/moved/one.txt', 'b/moved/sub/two.txt', 'keep.txt']);
    await files.move('n', 'keep.txt', 'b/kept.txt');
    expect(await files.listAll('n')).toEqual(['b/kept.txt', 'b/moved/one.txt', 'b/moved/sub/two.txt']);
    const read = async (path: string) => Buffer.concat(await (await files.get('n', path)).toArray()).toString();
    expect(await read('b/moved/sub/two.txt')).toBe('22');
    await expect(files.move('n', 'b/kept.txt', 'b/moved/one.txt')).rejects.toThrow(/already exists/);
    await expect(files.move('n', 'b', 'b/moved/deeper')).rejects.toThrow(/inside it/);
    await expect(files.move('n', 'missing', 'other')).rejects.toThrow(StorageNotFoundError);
    await expect(files.move('n', 'b', '/')).rejects.toThrow(expect.objectContaining({ field: 'to' }));
    expect(await files.listAll('n')).toEqual(['b/kept.txt', 'b/moved/one.txt', 'b/moved/sub/two.txt']);
  });

  it('refuses a file under a file, a file over a folder, reading a folder, and a folder or move target under a file, naming the field', async () => {
    await files.put('n', 'a.txt', 'a');
    await files.put('n', 'dir/x.txt', 'x');
    await expect(files.put('n', 'a.txt/b.txt', 'b')).rejects.toThrow(expect.objectContaining({ field: 'path', message: expect.stringMatching(/a\.txt is a file/) }));
    await expect(files.put('n', 'dir', 'd')).rejects.toThrow(expect.objectContaining({ field: 'path', message: expect.stringMatching(/is a folder/) }));
    await expect(files.createDirectory('n', 'a.txt/sub')).rejects.toThrow(expect.objectContaining({ field: 'path' }));
    await files.createDirectory('n', 'empty');
    await expect(files.get('n', 'empty')).rejects.toThrow(expect.objectContaining({ field: 'path', message: expect.stringMatching(/is a folder/) }));
    await expect(files.get('n', 'dir')).rejects.toThrow(expect.objectContaining({ field: 'path' }));
    await expect(files.move('n', 'dir/x.txt', 'a.txt/x.txt')).rejects.toThrow(expect.objectContaining({ field: 'to' }));
    expect(await files.listAll('n')).toEqual(['a.txt', 'dir/x.txt']);
    await files.put('n', 'a.txt', 'replaced');
    expect(Buffer.concat(await (await files.get('n', 'a.txt')).toArray()).toString()).toBe('replaced');
  });

  it('searches file paths containing a text and refuses the reserved _flows folder', async () => {
    await files.put('n', 'scripts/main.py', 'x');
    await files.put('n', 'scripts/util.py', 'x');
    await files.put('n', 'README.md', 'x');
    await files.createDirectory('n', 'py-empty');
    expect(await files.search('n', '.py')).toEqual(['/scripts/main.py', '/scripts/util.py']);
    expect(await files.search('n', '/README')).toEqual(['/README.md']);
    expect(await files.search('n', 'readme')).toEqual([]);
    await expect(files.list('n', '_flows')).rejects.toThrow(/_flows is reserved/);
  });
});

describe('namespace and KV helpers', () => {
  it('adds parent namespaces', () => {
    expect(withParentNamespaces(['a.b.c', 'a.x'])).toEqual(['a', 'a.b', 'a.b.c', 'a.x']);
  });

  it("types KV values as Kestra does", () => {
    expect([42, true, '2024-01-02', '2024-01-02T10:00:00Z', 'PT1H', 'text', { a: 1 }, [1]].map(kvType)).toEqual([
      'NUMBER', 'BOOLEAN', 'DATE', 'DATETIME', 'DURATION', 'STRING', 'JSON', 'JSON',
    ]);
    expect(parseKvBody('{"a":1}')).toEqual({ a: 1 });
    expect(parseKvBody('plain words')).toBe('plain words');
  });
});
