import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { Client } from 'minio';
import { s3TestServer, testBucketName } from '@osprey/storage/testing';
import { S3_TASK_TYPES, type S3Family } from '@osprey/flow-model';
import { taskContexts } from '../testing/task-contexts.fixture.js';
import { S3Task } from './s3-task.js';

// The S3 test server `npm test` starts (versitygw): the spec fails, never skips, without it.
const SERVER_TIMEOUT = 60_000;
const server = s3TestServer();
const endpoint = new URL(server.endpoint);
const bucket = testBucketName('s3-tasks');
const raw = new Client({ endPoint: endpoint.hostname, port: Number(endpoint.port), useSSL: false, pathStyle: true, region: 'us-east-1', accessKey: server.accessKey, secretKey: server.secretKey });

beforeAll(async () => {
  await raw.makeBucket(bucket, 'us-east-1');
}, SERVER_TIMEOUT);
afterAll(async () => {
  const keys: string[] = [];
  for await (const item of raw.listObjectsV2(bucket, '', true)) if (item.name) keys.push(item.name);
  if (keys.length > 0) await raw.removeObjects(bucket, keys);
  await raw.removeBucket(bucket);
}, SERVER_TIMEOUT);

/** Kestra's connection properties of each family for the test server. */
const CONNECTION: Record<S3Family, Record<string, unknown>> = {
  aws: { endpointOverride: server.endpoint, forcePathStyle: true, region: 'us-east-1', accessKeyId: server.accessKey, secretKeyId: server.secretKey, bucket },
  minio: { endpoint: server.endpoint, accessKeyId: server.accessKey, secretKeyId: server.secretKey, bucket },
};

describe.each(['aws', 'minio'] as const)('%s S3 tasks on the real S3 server', (family) => {
  const types = S3_TASK_TYPES[family];
  const upload = taskContexts({ id: 'upload', type: types.upload.name });
  const download = taskContexts({ id: 'download', type: types.download.name });
  const list = taskContexts({ id: 'list', type: types.list.name });
  const remove = taskContexts({ id: 'delete', type: types.delete.name });
  const prefix = `${family}/`;

  it('uploads a storage file with its content type and metadata, then downloads it back into storage', async () => {
    const source = await upload.context({ ...CONNECTION[family], key: `${prefix}reports/day 1.csv`, contentType: 'text/csv', metadata: { owner: 'etl' } });
    const from = await source.storage.putFile('day.csv', 'a,b\n1,2\n');
    const uploaded = await new S3Task(family, 'upload').run(await upload.context({ ...CONNECTION[family], from, key: `${prefix}reports/day 1.csv`, contentType: 'text/csv', metadata: { owner: 'etl' } }));
    expect(uploaded.outputs).toMatchObject({ bucket, key: `${prefix}reports/day 1.csv`, eTag: expect.any(String) });

    const stat = await raw.statObject(bucket, `${prefix}reports/day 1.csv`);
    expect(stat.size).toBe(8);
    expect(stat.metaData['content-type']).toBe('text/csv');
    expect(stat.metaData['owner']).toBe('etl');

    const ctx = await download.context({ ...CONNECTION[family], key: `${prefix}reports/day 1.csv` });
    const { outputs } = await new S3Task(family, 'download').run(ctx);
    expect(outputs).toMatchObject({ uri: expect.stringMatching(/^kestra:\/\/\/.*\.csv$/), contentLength: 8, contentType: 'text/csv', metadata: { owner: 'etl' } });
    expect(await download.read(ctx, outputs!['uri'] as string)).toBe('a,b\n1,2\n');
  }, SERVER_TIMEOUT);

  it('lists the objects under a prefix, filtered by a regexp matching whole keys', async () => {
    for (const key of ['logs/a.log', 'logs/b.log', 'logs/c.txt']) await raw.putObject(bucket, `${prefix}${key}`, Buffer.from(key));
    const ctx = await list.context({ ...CONNECTION[family], prefix: `${prefix}logs/`, regexp: '.*\\.log' });
    const { outputs } = await new S3Task(family, 'list').run(ctx);
    const objects = outputs!['objects'] as { key: string; size: number; lastModified: string; etag?: string }[];
    expect(objects.map((object) => [object.key, object.size])).toEqual([
      [`${prefix}logs/a.log`, 10],
      [`${prefix}logs/b.log`, 10],
    ]);
    expect(objects[0]!.lastModified).toMatch(/^\d{4}-\d\d-\d\dT/);
  }, SERVER_TIMEOUT);

  it('deletes an object', async () => {
    await raw.putObject(bucket, `${prefix}gone.txt`, Buffer.from('x'));
    await new S3Task(family, 'delete').run(await remove.context({ ...CONNECTION[family], key: `${prefix}gone.txt` }));
    await expect(raw.statObject(bucket, `${prefix}gone.txt`)).rejects.toThrow();
  }, SERVER_TIMEOUT);

  it('fails naming the key and bucket of a missing object', async () => {
    const ctx = await download.context({ ...CONNECTION[family], key: `${prefix}missing.bin` });
    await expect(new S3Task(family, 'download').run(ctx)).rejects.toThrow(`S3 download of '${prefix}missing.bin' in bucket '${bucket}' failed: `);
  }, SERVER_TIMEOUT);
});

describe('aws.s3.List maxFiles', () => {
  const list = taskContexts({ id: 'list', type: S3_TASK_TYPES.aws.list.name });

  it('outputs at most maxFiles objects (25 by default) and warns about the rest', async () => {
    await Promise.all(Array.from({ length: 27 }, (_, i) => raw.putObject(bucket, `many/${String(i).padStart(2, '0')}`, Buffer.from('x'))));
    const byDefault = await list.context({ ...CONNECTION.aws, prefix: 'many/' });
    expect(((await new S3Task('aws', 'list').run(byDefault)).outputs!['objects'] as unknown[]).length).toBe(25);
    expect(byDefault.messages('WARN')).toEqual([expect.stringMatching(/returned 27 files but maxFiles limit is 25/)]);
    const three = await list.context({ ...CONNECTION.aws, prefix: 'many/', maxFiles: 3 });
    expect(((await new S3Task('aws', 'list').run(three)).outputs!['objects'] as unknown[]).length).toBe(3);
    // A value rendered to no integer fails the task rather than listing nothing.
    await expect(new S3Task('aws', 'list').run(await list.context({ ...CONNECTION.aws, prefix: 'many/', maxFiles: '{{ inputs.n }}' }, { inputs: { n: 'three' } }))).rejects.toThrow("Invalid property 'maxFiles': expected an integer but got 'three'");
  }, SERVER_TIMEOUT);
});
