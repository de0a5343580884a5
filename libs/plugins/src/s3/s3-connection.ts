import { Client } from 'minio';
import type { S3Family } from '@osprey/flow-model';
import type { TaskProperties } from '../support/task-properties.js';
import { TaskPropertyError } from '../support/task-errors.js';
import type { S3TaskProperties } from './s3-task-properties.js';

/** An S3 client for the task's connection properties (aws: endpointOverride, minio: endpoint). */
export async function openS3Client(family: S3Family, properties: TaskProperties<S3TaskProperties>): Promise<Client> {
  const endpointName = family === 'aws' ? 'endpointOverride' : 'endpoint';
  const endpoint = await properties.string(endpointName);
  const region = (await properties.string('region')) ?? 'us-east-1';
  let host = `s3.${region}.amazonaws.com`;
  let port: number | undefined;
  let useSSL = true;
  if (endpoint !== undefined) {
    let url: URL;
    try {
      // A bare host:port (MinIO's own form) is read as http, as the MinIO client does.
      url = new URL(/^[a-z]+:\/\//i.test(endpoint) ? endpoint : `http://${endpoint}`);
    } catch {
      throw new TaskPropertyError(endpointName, `'${endpoint}' is not a URL`);
    }
    if (url.pathname !== '/' && url.pathname !== '') throw new TaskPropertyError(endpointName, `'${endpoint}' has a path: give the server only (scheme, host, port)`);
    host = url.hostname.replace(/^\[(.*)\]$/, '$1');
    port = url.port ? Number(url.port) : undefined;
    useSSL = url.protocol === 'https:';
  }
  const sessionToken = family === 'aws' ? await properties.string('sessionToken') : undefined;
  return new Client({
    endPoint: host,
    ...(port !== undefined ? { port } : {}),
    useSSL,
    region,
    accessKey: (await properties.string('accessKeyId')) ?? '',
    secretKey: (await properties.string('secretKeyId')) ?? '',
    ...(sessionToken ? { sessionToken } : {}),
    // The MinIO client addresses buckets by host name on AWS only; forcePathStyle keeps them in the path there too.
    ...(family === 'aws' && (await properties.boolean('forcePathStyle', false)) ? { pathStyle: true } : {}),
  });
}
