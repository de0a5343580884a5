/// <reference types="jest" />
import { createHash } from 'node:crypto';
import { Readable } from 'node:stream';
import { StoragePathError, type Storage } from '../ports.js';
import { StorageNotFoundError } from '../storage-not-found-error.js';

const PREFIX = 'kestra:///company/team/hello/executions';

async function readAll(stream: Readable): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(Buffer.from(chunk));
  return Buffer.concat(chunks);
}

/** `count` chunks of 64 KiB generated on demand, so the test never holds the whole payload. */
function generated(count: number): Readable {
  let i = 0;
  return new Readable({
    read() {
      if (i === count) return this.push(null);
      this.push(Buffer.alloc(65536, i++ % 251));
    },
  });
}

function expectedDigest(count: number): string {
  const hash = createHash('sha256');
  for (let i = 0; i < count; i++) hash.update(Buffer.alloc(65536, i % 251));
  return hash.digest('hex');
}

/** The guarantees every Storage adapter keeps; `open` returns a fresh, empty storage. */
export function storageContract(name: string, open: () => Promise<Storage>): void {
  describe(`Storage contract: ${name}`, () => {
    let storage: Storage;
    beforeEach(async () => {
      storage = await open();
    });
    afterEach(async () => {
      await storage.close();
    });

    it('round-trips strings and buffers', async () => {
      const info = await storage.put(`${PREFIX}/e1/tasks/t1/tr1/out.txt`, 'héllo');
      expect(info).toMatchObject({ uri: `${PREFIX}/e1/tasks/t1/tr1/out.txt`, size: Buffer.byteLength('héllo') });
      expect(Number.isNaN(Date.parse(info.lastModified))).toBe(false);
      expect((await readAll(await storage.get(info.uri))).toString()).toBe('héllo');
      const bytes = Buffer.from([0, 1, 2, 255, 254]);
      await storage.put(`${PREFIX}/e1/bin`, bytes);
      expect(await readAll(await storage.get(`${PREFIX}/e1/bin`))).toEqual(bytes);
    });

    it('streams a large file in and out', async () => {
      const chunks = 80; // 5 MiB
      const info = await storage.put(`${PREFIX}/e1/big.bin`, generated(chunks));
      expect(info.size).toBe(chunks * 65536);
      const hash = createHash('sha256');
      let size = 0;
      for await (const chunk of await storage.get(`${PREFIX}/e1/big.bin`)) {
        hash.update(chunk as Buffer);
        size += (chunk as Buffer).length;
      }
      expect(size).toBe(chunks * 65536);
      expect(hash.digest('hex')).toBe(expectedDigest(chunks));
    });

    it('replaces a file on put and never exposes a failed write', async () => {
      const uri = `${PREFIX}/e1/file.txt`;
      await storage.put(uri, 'first');
      await storage.put(uri, 'second');
      expect((await readAll(await storage.get(uri))).toString()).toBe('second');
      const failing = new Readable({
        read() {
          this.destroy(new Error('source failed'));
        },
      });
      await expect(storage.put(`${PREFIX}/e1/broken.txt`, failing)).rejects.toThrow('source failed');
      expect(await storage.exists(`${PREFIX}/e1/broken.txt`)).toBe(false);
      expect((await storage.list(`${PREFIX}/e1`)).map((i) => i.uri)).toEqual([uri]);
    });

    it('stats, checks and deletes files', async () => {
      const uri = `${PREFIX}/e1/a.txt`;
      expect(await storage.stat(uri)).toBeNull();
      expect(await storage.exists(uri)).toBe(false);
      await storage.put(uri, 'abc');
      expect(await storage.stat(uri)).toMatchObject({ uri, size: 3 });
      expect(await storage.exists(uri)).toBe(true);
      expect(await storage.delete(uri)).toBe(true);
      expect(await storage.delete(uri)).toBe(false);
      expect(await storage.exists(uri)).toBe(false);
      await expect(storage.get(uri)).rejects.toBeInstanceOf(StorageNotFoundError);
    });

    it('lists every file under a prefix, recursively and sorted, by path segments', async () => {
      await storage.put(`${PREFIX}/e1/tasks/t2/tr2/b.txt`, 'b');
      await storage.put(`${PREFIX}/e1/tasks/t1/tr1/a.txt`, 'a');
      await storage.put(`${PREFIX}/e1/inputs/file.csv`, 'x,y');
      await storage.put(`${PREFIX}/e10/other.txt`, 'other');
      const listed = await storage.list(`${PREFIX}/e1`);
      expect(listed.map((i) => i.uri)).toEqual([`${PREFIX}/e1/inputs/file.csv`, `${PREFIX}/e1/tasks/t1/tr1/a.txt`, `${PREFIX}/e1/tasks/t2/tr2/b.txt`]);
      expect(listed.map((i) => i.size)).toEqual([3, 1, 1]);
      expect((await storage.list(`${PREFIX}/e1/`)).length).toBe(3);
      expect(await storage.list(`${PREFIX}/missing`)).toEqual([]);
    });

    it('deletes everything under a prefix and nothing else', async () => {
      await storage.put(`${PREFIX}/e1/a`, 'a');
      await storage.put(`${PREFIX}/e1/sub/b`, 'b');
      await storage.put(`${PREFIX}/e10/c`, 'c');
      expect(await storage.deletePrefix(`${PREFIX}/e1`)).toBe(2);
      expect(await storage.list(`${PREFIX}/e1`)).toEqual([]);
      expect((await storage.list(PREFIX)).map((i) => i.uri)).toEqual([`${PREFIX}/e10/c`]);
      expect(await storage.deletePrefix(`${PREFIX}/e1`)).toBe(0);
    });

    it.each([
      ['a parent segment', 'kestra:///company/../../etc/passwd'],
      ['a leading parent segment', 'kestra:///../outside.txt'],
      ['a current-directory segment', 'kestra:///company/./x'],
      ['an absolute path', 'kestra:////etc/passwd'],
      ['a plain absolute path', '/etc/passwd'],
      ['another scheme', 'file:///etc/passwd'],
      ['an authority', 'kestra://host/company/x'],
      ['a backslash', 'kestra:///company\\..\\..\\x'],
    ])('rejects a URI with %s', async (_, uri) => {
      await expect(storage.put(uri, 'x')).rejects.toBeInstanceOf(StoragePathError);
      await expect(storage.get(uri)).rejects.toBeInstanceOf(StoragePathError);
      await expect(storage.stat(uri)).rejects.toBeInstanceOf(StoragePathError);
      await expect(storage.exists(uri)).rejects.toBeInstanceOf(StoragePathError);
      await expect(storage.delete(uri)).rejects.toBeInstanceOf(StoragePathError);
      await expect(storage.deletePrefix(uri)).rejects.toBeInstanceOf(StoragePathError);
      await expect(storage.list(uri)).rejects.toBeInstanceOf(StoragePathError);
    });

    it('refuses to delete the whole storage', async () => {
      await storage.put(`${PREFIX}/e1/a`, 'a');
      await expect(storage.deletePrefix('kestra:///')).rejects.toBeInstanceOf(StoragePathError);
      expect(await storage.exists(`${PREFIX}/e1/a`)).toBe(true);
    });
  });
}
