import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadConfig } from './config.js';

describe('storage configuration', () => {
  const dir = mkdtempSync(join(tmpdir(), 'osprey-storage-config-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  const file = (name: string, text: string) => {
    const path = join(dir, name);
    writeFileSync(path, text);
    return path;
  };

  it('keeps a storage section without type on the local folder', () => {
    expect(loadConfig({ file: file('local.yaml', 'storage:\n  basePath: files\n'), env: {} }).storage).toEqual({ type: 'local', basePath: 'files' });
  });

  it('reads an S3 bucket from the file with the secret from the environment', () => {
    const path = file('s3.yaml', 'storage:\n  type: s3\n  bucket: osprey-files\n  endpoint: http://127.0.0.1:9000\n  accessKey: osprey\n  pathStyle: true\n');
    const config = loadConfig({ file: path, env: { OSPREY_STORAGE_SECRET_KEY: 'from-env', OSPREY_STORAGE_CREATE_BUCKET: 'false', OSPREY_STORAGE_USE_SSL: 'false' } });
    expect(config.storage).toEqual({
      type: 's3',
      bucket: 'osprey-files',
      endpoint: 'http://127.0.0.1:9000',
      region: 'us-east-1',
      accessKey: 'osprey',
      secretKey: 'from-env',
      pathStyle: true,
      useSSL: false,
      createBucket: false,
    });
  });

  it('configures S3 from the environment alone', () => {
    const config = loadConfig({ env: { OSPREY_STORAGE_TYPE: 's3', OSPREY_STORAGE_BUCKET: 'b-1.x', OSPREY_STORAGE_REGION: 'eu-west-3', OSPREY_STORAGE_PART_SIZE: String(8 * 1024 * 1024) } });
    expect(config.storage).toMatchObject({ type: 's3', bucket: 'b-1.x', region: 'eu-west-3', partSize: 8 * 1024 * 1024, createBucket: true });
  });

  it.each([
    ['a missing bucket', 'storage:\n  type: s3\n', /storage\.bucket/],
    ['an invalid bucket name', 'storage:\n  type: s3\n  bucket: My_Bucket\n', /storage\.bucket/],
    ['an endpoint with a path', 'storage:\n  type: s3\n  bucket: abc\n  endpoint: http://host:9000/abc\n', /storage\.endpoint/],
    ['an access key without a secret', 'storage:\n  type: s3\n  bucket: abc\n  accessKey: k\n', /storage\.secretKey/],
    ['a part below 5 MiB', 'storage:\n  type: s3\n  bucket: abc\n  partSize: 1024\n', /storage\.partSize/],
    ['a flag that is no boolean', 'storage:\n  type: s3\n  bucket: abc\n  pathStyle: yes please\n', /storage\.pathStyle/],
    ['a local key in S3 storage', 'storage:\n  type: s3\n  bucket: abc\n  basePath: x\n', /basePath/],
    ['an unknown type', 'storage:\n  type: gcs\n', /storage\.type/],
  ])('names the key of %s', (_, text, message) => {
    expect(() => loadConfig({ file: file('bad.yaml', text), env: {} })).toThrow(message);
  });
});
