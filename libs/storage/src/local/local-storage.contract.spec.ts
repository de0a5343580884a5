import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { StoragePathError } from '../ports.js';
import { storageContract } from '../testing/storage.contract.js';
import { openLocalStorage } from './local-storage.js';

storageContract('local', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'osprey-storage-'));
  const storage = openLocalStorage(join(dir, 'storage'));
  const close = storage.close.bind(storage);
  storage.close = async () => {
    await close();
    rmSync(dir, { recursive: true, force: true });
  };
  return storage;
});

describe('LocalStorage', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'osprey-storage-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('maps a URI to the same path under the base folder', async () => {
    const storage = openLocalStorage(join(dir, 'base'));
    await storage.put('kestra:///io/kestra/tests/hello/executions/e1/tasks/t1/tr1/out.txt', 'x');
    expect(readFileSync(join(dir, 'base/io/kestra/tests/hello/executions/e1/tasks/t1/tr1/out.txt'), 'utf8')).toBe('x');
  });

  it('never touches files beside the base folder', async () => {
    writeFileSync(join(dir, 'secret.txt'), 'secret');
    const storage = openLocalStorage(join(dir, 'base'));
    await expect(storage.get('kestra:///../secret.txt')).rejects.toBeInstanceOf(StoragePathError);
    await expect(storage.put('kestra:///%2e%2e/secret.txt', 'overwritten')).resolves.toMatchObject({ size: 11 });
    expect(readFileSync(join(dir, 'secret.txt'), 'utf8')).toBe('secret');
    expect(existsSync(join(dir, 'base/%2e%2e/secret.txt'))).toBe(true);
  });
});
