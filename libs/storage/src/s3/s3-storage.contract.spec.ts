import { Client } from 'minio';
import { Readable } from 'node:stream';
import { StoragePathError } from '../ports.js';
import { StorageNotFoundError } from '../storage-not-found-error.js';
import { storageContract } from '../testing/storage.contract.js';
import { listObjects } from './s3-list-objects.js';
import { S3StorageError } from './s3-storage-error.js';
import { openS3Storage, type S3Storage } from './s3-storage.js';
import { s3TestServer, testBucketName } from '../testing/s3-test-server.js';

const server = s3TestServer();
const bucket = testBucketName('contract');
const endpoint = new URL(server.endpoint);
const raw = new Client({
  endPoint: endpoint.hostname,
  port: Number(endpoint.port),
  useSSL: false,
  pathStyle: true,
  region: 'us-east-1',
  accessKey: server.accessKey,
  secretKey: server.secretKey,
});
const opened: S3Storage[] = [];
let runs = 0;

async function open(prefix: string, extra: Partial<Parameters<typeof openS3Storage>[0]> = {}): Promise<S3Storage> {
  // The smallest part size S3 allows, so the contract's 5-12 MiB files cross part boundaries.
  const storage = await openS3Storage({ ...server, bucket, prefix, partSize: 5 * 1024 * 1024, ...extra });
  opened.push(storage);
  return storage;
}

async function keys(prefix = ''): Promise<string[]> {
  const names: string[] = [];
  for await (const item of listObjects(raw, bucket, prefix)) names.push(item.key);
  return names.sort();
}

async function dropBucket(name: string): Promise<void> {
  if (!(await raw.bucketExists(name))) return;
  const names: string[] = [];
  for await (const item of listObjects(raw, name, '')) names.push(item.key);
  if (names.length > 0) expect(await raw.removeObjects(name, names)).toEqual([]);
  for await (const upload of raw.listIncompleteUploads(name, '', true)) await raw.abortMultipartUpload(name, upload.key, upload.uploadId);
  await raw.removeBucket(name);
}

afterAll(async () => {
  await Promise.all(opened.map((s) => s.close()));
  await dropBucket(bucket);
});

// Each run of the contract gets its own key prefix in one bucket: fresh and empty, and confinement is exercised.
storageContract('s3 (versitygw)', () => open(`contract/run-${++runs}`));

describe('S3Storage', () => {
  it('creates its bucket when missing, and refuses a missing bucket when told not to create it', async () => {
    const other = testBucketName('create');
    try {
      await expect(openS3Storage({ ...server, bucket: other, createBucket: false })).rejects.toThrow(S3StorageError);
      expect(await raw.bucketExists(other)).toBe(false);
      const storage = await openS3Storage({ ...server, bucket: other });
      opened.push(storage);
      expect(await raw.bucketExists(other)).toBe(true);
      // Opening again on an existing bucket is fine.
      opened.push(await openS3Storage({ ...server, bucket: other, createBucket: false }));
    } finally {
      await dropBucket(other);
    }
  });

  it('stores a URI under the configured prefix, segment for segment', async () => {
    const storage = await open('/layout/tenant-a/');
    await storage.put('kestra:///company/team/flow/executions/e1/out file.txt', 'x');
    expect(await keys('layout/')).toEqual(['layout/tenant-a/company/team/flow/executions/e1/out file.txt']);
  });

  it('confines each storage to its prefix: neighbours are invisible and untouched', async () => {
    const a = await open('confined/a');
    const b = await open('confined/ab');
    await a.put('kestra:///ns/f/x.txt', 'a');
    await b.put('kestra:///ns/f/x.txt', 'b');
    await raw.putObject(bucket, 'confined/outside.txt', 'outside');
    expect((await a.list('kestra:///')).map((i) => i.uri)).toEqual(['kestra:///ns/f/x.txt']);
    expect((await a.list('kestra:///ns')).map((i) => i.uri)).toEqual(['kestra:///ns/f/x.txt']);
    expect(await a.deletePrefix('kestra:///ns')).toBe(1);
    expect(await keys('confined/')).toEqual(['confined/ab/ns/f/x.txt', 'confined/outside.txt']);
    await expect(a.get('kestra:///../outside.txt')).rejects.toBeInstanceOf(StoragePathError);
    await expect(a.get('kestra:///%2e%2e/outside.txt')).rejects.toBeInstanceOf(StorageNotFoundError);
  });

  it('ignores keys that no URI can name when listing', async () => {
    const storage = await open('foreign');
    await storage.put('kestra:///ns/ok.txt', 'ok');
    await raw.putObject(bucket, 'foreign/ns/back\\slash.txt', 'x');
    await raw.putObject(bucket, 'foreign/ns/folder-marker/', '');
    expect((await storage.list('kestra:///ns')).map((i) => i.uri)).toEqual(['kestra:///ns/ok.txt']);
    // ...but deleting the prefix removes everything under it.
    expect(await storage.deletePrefix('kestra:///ns')).toBe(3);
    expect(await keys('foreign/')).toEqual([]);
  });

  it('maps a folder (only a key prefix on S3) to "not found" on get', async () => {
    const storage = await open('folder');
    await storage.put('kestra:///ns/sub/file.txt', 'x');
    await expect(storage.get('kestra:///ns/sub')).rejects.toBeInstanceOf(StorageNotFoundError);
  });

  it('aborts the multipart upload of a failed write, leaving no parts behind', async () => {
    const storage = await open('aborted');
    let sent = 0;
    const failing = new Readable({
      read() {
        if (sent >= 11 * 1024 * 1024) return void this.destroy(new Error('boom'));
        sent += 1024 * 1024;
        this.push(Buffer.alloc(1024 * 1024, 1));
      },
    });
    await expect(storage.put('kestra:///ns/failed.bin', failing)).rejects.toThrow('boom');
    const incomplete: unknown[] = [];
    for await (const upload of raw.listIncompleteUploads(bucket, 'aborted/', true)) incomplete.push(upload);
    expect(incomplete).toEqual([]);
    expect(await keys('aborted/')).toEqual([]);
  });

  it('reports a server that refuses the credentials at open', async () => {
    await expect(openS3Storage({ ...server, secretKey: 'wrong-secret', bucket })).rejects.toThrow(S3StorageError);
  });

  it.each([
    ['a path', { endpoint: 'http://127.0.0.1:9000/bucket' }, /storage.endpoint/],
    ['no scheme', { endpoint: '127.0.0.1:9000' }, /storage.endpoint/],
    ['a prefix leaving its folder', { prefix: 'a/../b' }, /storage.prefix/],
    ['a part smaller than S3 allows', { partSize: 1024 }, /storage.partSize/],
  ])('rejects options with %s', async (_, options, message) => {
    await expect(openS3Storage({ ...server, bucket, ...options })).rejects.toThrow(message);
  });
});
