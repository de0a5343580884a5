import { listObjects } from '@osprey/storage/s3';
import type { S3Family, S3Operation } from '@osprey/flow-model';
import type { Client } from 'minio';
import type { RunContext, TaskRunnerResult } from '../task-runner.js';
import { TaskProperties, toText } from '../support/task-properties.js';
import { TaskPropertyError } from '../support/task-errors.js';
import { storageExtension } from '../support/storage-extension.js';
import { storageFileName } from '../support/storage-file-name.js';
import { openS3Client } from './s3-connection.js';
import type { S3TaskProperties } from './s3-task-properties.js';

// Kestra's aws.s3.List outputs at most 25 objects unless maxFiles says otherwise; minio.List has no limit.
const DEFAULT_MAX_FILES = 25;
// Upload properties sent as the object's standard headers, by their S3 header name.
const CONTENT_HEADERS = {
  contentType: 'Content-Type',
  cacheControl: 'Cache-Control',
  contentEncoding: 'Content-Encoding',
  contentDisposition: 'Content-Disposition',
  contentLanguage: 'Content-Language',
  expires: 'Expires',
} as const;

type Properties = TaskProperties<S3TaskProperties>;

/** Runs one S3 operation with the MinIO client (loaded with this module, only by a worker that runs an S3 task). */
export async function runS3Operation(ctx: RunContext, family: S3Family, operation: S3Operation, properties: Properties): Promise<TaskRunnerResult> {
  const client = await openS3Client(family, properties);
  const bucket = await properties.string('bucket');
  switch (operation) {
    case 'upload':
      return upload(ctx, client, bucket, properties);
    case 'download':
      return download(ctx, client, bucket, properties);
    case 'list':
      return list(ctx, client, bucket, properties, family);
    case 'delete':
      return remove(client, bucket, properties, family);
  }
}

async function upload(ctx: RunContext, client: Client, bucket: string, properties: Properties): Promise<TaskRunnerResult> {
  const from = (await properties.string('from'))!;
  if (!from.startsWith('kestra://')) throw new TaskPropertyError('from', `expected the kestra:// URI of a file in internal storage, got '${from}'`);
  const key = (await properties.string('key'))!;
  const metadata: Record<string, string> = {};
  for (const [name, value] of Object.entries((await properties.map('metadata')) ?? {})) metadata[name] = toText(value);
  for (const [property, header] of Object.entries(CONTENT_HEADERS)) {
    const value = properties.has(property as keyof S3TaskProperties) ? await properties.string(property as keyof typeof CONTENT_HEADERS) : undefined;
    if (value !== undefined) metadata[header] = value;
  }
  const size = await ctx.storage.size(from);
  const result = await client.putObject(bucket, key, await ctx.storage.get(from), size, metadata);
  ctx.metric({ name: 'file.size', type: 'counter', value: size });
  return { outputs: { bucket, key, eTag: result.etag, ...(result.versionId ? { versionId: result.versionId } : {}) } };
}

async function download(ctx: RunContext, client: Client, bucket: string, properties: Properties): Promise<TaskRunnerResult> {
  const key = (await properties.string('key'))!;
  const versionId = await properties.string('versionId');
  const options = versionId !== undefined ? { versionId } : {};
  const stat = await client.statObject(bucket, key, options);
  const stream = await client.getObject(bucket, key, options);
  let name: string;
  try {
    name = storageFileName(storageExtension(key));
  } catch {
    // An extension that cannot name a storage file (a backslash in it): the default one.
    name = storageFileName(undefined);
  }
  const uri = await ctx.storage.putFile(name, stream);
  const contentType = stat.metaData['content-type'];
  const metadata = Object.fromEntries(Object.entries(stat.metaData).filter(([name]) => name !== 'content-type'));
  return {
    outputs: {
      uri,
      contentLength: stat.size,
      ...(contentType !== undefined ? { contentType } : {}),
      metadata,
      eTag: stat.etag,
      ...(stat.versionId ? { versionId: stat.versionId } : {}),
    },
  };
}

async function list(ctx: RunContext, client: Client, bucket: string, properties: Properties, family: S3Family): Promise<TaskRunnerResult> {
  const prefix = (await properties.string('prefix')) ?? '';
  const regexpText = await properties.string('regexp');
  let regexp: RegExp | undefined;
  try {
    // Java's String.matches: the expression must match the whole key.
    regexp = regexpText !== undefined ? new RegExp(`^(?:${regexpText})$`) : undefined;
  } catch (error) {
    throw new TaskPropertyError('regexp', (error as Error).message);
  }
  const filter = (await properties.enumValue('filter', ['FILES', 'DIRECTORY', 'BOTH'] as const)) ?? 'BOTH';
  const maxFiles = family === 'aws' ? ((await properties.integer('maxFiles')) ?? DEFAULT_MAX_FILES) : Infinity;
  const objects: Record<string, unknown>[] = [];
  let found = 0;
  for await (const object of listObjects(client, bucket, prefix)) {
    const directory = object.key.endsWith('/');
    if ((filter === 'FILES' && directory) || (filter === 'DIRECTORY' && !directory)) continue;
    if (regexp && !regexp.test(object.key)) continue;
    found++;
    if (objects.length < maxFiles) {
      objects.push({ key: object.key, ...(object.etag !== undefined ? { etag: object.etag } : {}), size: object.size, lastModified: object.lastModified.toISOString() });
    }
  }
  ctx.metric({ name: family === 'aws' ? 's3.objects.count' : 'size', type: 'counter', value: found });
  if (found > objects.length) ctx.logger.warn(`Listing returned ${found} files but maxFiles limit is ${maxFiles}. Only the first ${maxFiles} files will be returned.`);
  return { outputs: { objects } };
}

async function remove(client: Client, bucket: string, properties: Properties, family: S3Family): Promise<TaskRunnerResult> {
  const key = (await properties.string('key'))!;
  const governanceBypass = await properties.boolean('bypassGovernanceRetention', false);
  await client.removeObject(bucket, key, governanceBypass ? { governanceBypass } : {});
  return { outputs: family === 'minio' ? { bucket, key } : {} };
}
