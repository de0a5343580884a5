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
