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

    it('streams a file of several multipart parts with an odd tail', async () => {
      const chunks = 180; // 11.25 MiB: more than two parts of the 5 MiB S3 minimum
      const tail = Buffer.from('tail');
      const source = Readable.from((function* () {
        for (let i = 0; i < chunks; i++) yield Buffer.alloc(65536, i % 251);
        yield tail;
      })());
      const info = await storage.put(`${PREFIX}/e1/parts.bin`, source);
      expect(info.size).toBe(chunks * 65536 + tail.length);
      const hash = createHash('sha256');
      for await (const chunk of await storage.get(`${PREFIX}/e1/parts.bin`)) hash.update(chunk as Buffer);
      const expected = createHash('sha256');
      for (let i = 0; i < chunks; i++) expected.update(Buffer.alloc(65536, i % 251));
      expected.update(tail);
      expect(hash.digest('hex')).toBe(expected.digest('hex'));
    });

    it('round-trips an empty file', async () => {
      const fromString = await storage.put(`${PREFIX}/e1/empty.txt`, '');
      expect(fromString.size).toBe(0);
      const fromStream = await storage.put(`${PREFIX}/e1/empty-stream.txt`, Readable.from([]));
      expect(fromStream.size).toBe(0);
      expect((await readAll(await storage.get(`${PREFIX}/e1/empty-stream.txt`))).length).toBe(0);
    });

    it('keeps file names literally: spaces, unicode, percent signs, plus signs', async () => {
      const names = ['with space.txt', 'ünïcødé-文件.txt', '%2e%2e', 'a+b=c&d.txt', "quote'and\"double.txt"];
      for (const name of names) await storage.put(`${PREFIX}/e1/${name}`, name);
      for (const name of names) expect((await readAll(await storage.get(`${PREFIX}/e1/${name}`))).toString()).toBe(name);
      expect((await storage.list(`${PREFIX}/e1`)).map((i) => i.uri)).toEqual(names.map((n) => `${PREFIX}/e1/${n}`).sort());
    });

    it('never exposes a write whose source fails after several parts', async () => {
      let sent = 0;
      const failing = new Readable({
        read() {
          if (sent >= 12 * 1024 * 1024) return void this.destroy(new Error('source failed late'));
          sent += 1024 * 1024;
          this.push(Buffer.alloc(1024 * 1024, 7));
        },
      });
      await storage.put(`${PREFIX}/e1/late.bin`, 'previous');
      await expect(storage.put(`${PREFIX}/e1/late.bin`, failing)).rejects.toThrow('source failed late');
      expect((await readAll(await storage.get(`${PREFIX}/e1/late.bin`))).toString()).toBe('previous');
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

    it('treats a folder as no file: get, stat, delete', async () => {
      await storage.put(`${PREFIX}/e1/sub/file.txt`, 'x');
      await expect(storage.get(`${PREFIX}/e1/missing.txt`)).rejects.toThrow(/not found/);
      await expect(storage.get(`${PREFIX}/e1/sub`)).rejects.toThrow(/not found/);
      expect(await storage.stat(`${PREFIX}/e1/sub`)).toBeNull();
      expect(await storage.delete(`${PREFIX}/e1/sub`)).toBe(false);
      expect(await storage.exists(`${PREFIX}/e1/sub/file.txt`)).toBe(true);
    });

    it('lists a prefix that names a file as that file', async () => {
      await storage.put(`${PREFIX}/e1/one.txt`, 'one');
      await storage.put(`${PREFIX}/e1/one.txt.bak`, 'backup');
      expect((await storage.list(`${PREFIX}/e1/one.txt`)).map((i) => i.uri)).toEqual([`${PREFIX}/e1/one.txt`]);
      expect(await storage.deletePrefix(`${PREFIX}/e1/one.txt`)).toBe(1);
      expect((await storage.list(`${PREFIX}/e1`)).map((i) => i.uri)).toEqual([`${PREFIX}/e1/one.txt.bak`]);
    });

    it('lists and deletes more than a thousand files under one prefix', async () => {
      const count = 1234;
      const uris = Array.from({ length: count }, (_, i) => `${PREFIX}/e2/tasks/t${i % 7}/f${String(i).padStart(4, '0')}.txt`);
      await storage.put(`${PREFIX}/e20/keep.txt`, 'keep');
      for (let i = 0; i < count; i += 50) await Promise.all(uris.slice(i, i + 50).map((uri) => storage.put(uri, uri)));
      const listed = await storage.list(`${PREFIX}/e2`);
      expect(listed.length).toBe(count);
      expect(listed.map((i) => i.uri)).toEqual([...uris].sort());
      expect(await storage.deletePrefix(`${PREFIX}/e2`)).toBe(count);
      expect(await storage.list(`${PREFIX}/e2`)).toEqual([]);
      expect((await storage.list(PREFIX)).map((i) => i.uri)).toEqual([`${PREFIX}/e20/keep.txt`]);
    }, 120_000);

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
