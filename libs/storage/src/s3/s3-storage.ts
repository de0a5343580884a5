import { Agent as HttpAgent } from 'node:http';
import { Agent as HttpsAgent } from 'node:https';
import { Readable } from 'node:stream';
import { Client } from 'minio';
import { StoragePathError, type Storage, type StorageObjectInfo } from '../ports.js';
import { StorageNotFoundError } from '../storage-not-found-error.js';
import { STORAGE_SCHEME, storageSegments, storageUri } from '../storage-uri.js';
import { PartReader } from './part-reader.js';
import { listObjects } from './s3-list-objects.js';
import { S3StorageError } from './s3-storage-error.js';
import { DEFAULT_PART_SIZE, MIN_PART_SIZE, type S3StorageOptions } from './s3-storage-options.js';

/** DeleteObjects takes at most this many keys a request. */
const DELETE_BATCH = 1000;

function errorCode(error: unknown): string | undefined {
  return (error as { code?: string } | undefined)?.code;
}

function isMissingObject(error: unknown): boolean {
  const code = errorCode(error);
  return code === 'NoSuchKey' || code === 'NotFound';
}

function compareUris(a: StorageObjectInfo, b: StorageObjectInfo): number {
  return a.uri < b.uri ? -1 : a.uri > b.uri ? 1 : 0;
}

/**
 * Internal storage in an S3 bucket: `kestra:///a/b/file` is the object `<prefix>a/b/file`. URIs are checked
 * with the same rules as the local storage, so no key outside the configured prefix is ever named. Uploads
 * stream in parts of `partSize` (memory stays flat in the file size); an object appears only when complete.
 */
export class S3Storage implements Storage {
  private readonly client: Client;
  private readonly agent: HttpAgent | HttpsAgent;
  private readonly bucket: string;
  private readonly keyPrefix: string;
  private readonly partSize: number;
  private readonly uploadConcurrency: number;

  constructor(private readonly options: S3StorageOptions) {
    if (!options.bucket) throw new S3StorageError('storage.bucket is required for S3 storage');
    const endpoint = parseEndpoint(options.endpoint);
    const useSSL = options.useSSL ?? endpoint.secure;
    this.partSize = options.partSize ?? DEFAULT_PART_SIZE;
    if (!Number.isInteger(this.partSize) || this.partSize < MIN_PART_SIZE) {
      throw new S3StorageError(`storage.partSize must be an integer of at least ${MIN_PART_SIZE} bytes (S3's minimum part size)`);
    }
    this.uploadConcurrency = Math.max(1, Math.floor(options.uploadConcurrency ?? 2));
    this.bucket = options.bucket;
    this.keyPrefix = normalizePrefix(options.prefix);
    // Our own keep-alive agent, so that close() can release its sockets.
    this.agent = useSSL ? new HttpsAgent({ keepAlive: true }) : new HttpAgent({ keepAlive: true });
    this.client = new Client({
      endPoint: endpoint.host,
      ...(endpoint.port !== undefined ? { port: endpoint.port } : {}),
      useSSL,
      // A fixed region spares the client a GetBucketLocation round trip before its first request.
      region: options.region ?? 'us-east-1',
      accessKey: options.accessKey ?? '',
      secretKey: options.secretKey ?? '',
      ...(options.sessionToken ? { sessionToken: options.sessionToken } : {}),
      pathStyle: options.pathStyle ?? options.endpoint !== undefined,
      partSize: this.partSize,
      transportAgent: this.agent,
    });
  }

  /** Checks that the bucket answers, creating it when missing and allowed to. */
  async ensureBucket(): Promise<void> {
    let exists: boolean;
    try {
      exists = await this.client.bucketExists(this.bucket);
    } catch (error) {
      throw new S3StorageError(`cannot reach S3 bucket ${this.bucket}: ${(error as Error).message}`, { cause: error });
    }
    if (exists) return;
    if (this.options.createBucket === false) {
      throw new S3StorageError(`S3 bucket ${this.bucket} does not exist (storage.createBucket is false)`);
    }
    try {
      await this.client.makeBucket(this.bucket, this.options.region ?? 'us-east-1');
    } catch (error) {
      // Another process created it in the meantime.
      if (errorCode(error) === 'BucketAlreadyOwnedByYou') return;
      throw new S3StorageError(`cannot create S3 bucket ${this.bucket}: ${(error as Error).message}`, { cause: error });
    }
  }

  async put(uri: string, content: Readable | Buffer | string): Promise<StorageObjectInfo> {
    const segments = storageSegments(uri);
    const key = this.keyOf(segments);
    if (typeof content === 'string' || Buffer.isBuffer(content)) {
      const buffer = typeof content === 'string' ? Buffer.from(content) : content;
      if (buffer.length <= this.partSize) await this.client.putObject(this.bucket, key, buffer, buffer.length);
      else await this.upload(key, Readable.from([buffer]));
    } else {
      await this.upload(key, content);
    }
    const info = await this.statKey(storageUri(segments), key);
    if (!info) throw new StorageNotFoundError(uri); // removed by a concurrent delete right after the upload
    return info;
  }

  async get(uri: string): Promise<Readable> {
    const key = this.keyOf(storageSegments(uri));
    try {
      return await this.client.getObject(this.bucket, key);
    } catch (error) {
      if (isMissingObject(error)) throw new StorageNotFoundError(uri);
      throw error;
    }
  }

  async stat(uri: string): Promise<StorageObjectInfo | null> {
    const segments = storageSegments(uri);
    return this.statKey(storageUri(segments), this.keyOf(segments));
  }

  async exists(uri: string): Promise<boolean> {
    return (await this.stat(uri)) !== null;
  }

  async delete(uri: string): Promise<boolean> {
    const key = this.keyOf(storageSegments(uri));
    // S3 deletes answer the same whether or not the object was there: look first to report it.
    if (!(await this.statKey(uri, key))) return false;
    await this.client.removeObject(this.bucket, key);
    return true;
  }

  async deletePrefix(prefixUri: string): Promise<number> {
    const key = this.keyOf(storageSegments(prefixUri));
    let deleted = 0;
    let batch: string[] = [];
    const flush = async () => {
      if (batch.length === 0) return;
      const failures = await this.client.removeObjects(this.bucket, batch);
      if (failures.length > 0) {
        const first = failures[0] as { Key?: string; Code?: string; Message?: string };
        throw new S3StorageError(`S3 refused to delete ${failures.length} of ${batch.length} objects under ${prefixUri}, e.g. ${first.Key}: ${first.Code} ${first.Message ?? ''}`.trim());
      }
      deleted += batch.length;
      batch = [];
    };
    if (await this.statKey(prefixUri, key)) batch.push(key);
    // Deleting as we list keeps memory flat; listing resumes after the last key it returned, which stays valid.
    for await (const item of this.listKeys(`${key}/`)) {
      batch.push(item.name);
      if (batch.length === DELETE_BATCH) await flush();
    }
    await flush();
    return deleted;
  }

  async list(prefixUri: string): Promise<StorageObjectInfo[]> {
    const segments = storageSegments(prefixUri, { allowRoot: true });
    const found: StorageObjectInfo[] = [];
    let listPrefix = this.keyPrefix;
    if (segments.length > 0) {
      const key = this.keyOf(segments);
      // A prefix naming a file lists that file, as on the local storage.
      const single = await this.statKey(storageUri(segments), key);
      if (single) found.push(single);
      listPrefix = `${key}/`;
    }
    for await (const item of this.listKeys(listPrefix)) {
      const uri = this.uriOf(item.name);
      // Keys written by other tools that no URI can name (`a//b`, `dir/` markers) are not files of ours.
      if (uri) found.push({ uri, size: item.size, lastModified: item.lastModified.toISOString() });
    }
    return found.sort(compareUris);
  }

  async close(): Promise<void> {
    this.agent.destroy();
  }

  private keyOf(segments: readonly string[]): string {
    return this.keyPrefix + segments.join('/');
  }

  /** The URI of a key under the prefix, or null when no valid URI names it. */
  private uriOf(key: string): string | null {
    if (!key.startsWith(this.keyPrefix) || key.endsWith('/')) return null;
    try {
      return storageUri(storageSegments(STORAGE_SCHEME + key.slice(this.keyPrefix.length)));
    } catch (error) {
      if (error instanceof StoragePathError) return null;
      throw error;
    }
  }

  private async statKey(uri: string, key: string): Promise<StorageObjectInfo | null> {
    try {
      const stat = await this.client.statObject(this.bucket, key);
      return { uri, size: stat.size, lastModified: new Date(stat.lastModified).toISOString() };
    } catch (error) {
      if (isMissingObject(error)) return null;
      throw error;
    }
  }

  private async *listKeys(prefix: string): AsyncGenerator<{ name: string; size: number; lastModified: Date }> {
    for await (const item of listObjects(this.client, this.bucket, prefix)) {
      yield { name: item.key, size: item.size, lastModified: item.lastModified };
    }
  }

  /**
   * Streams a source of unknown length: one PUT when it fits a part, otherwise a multipart upload that reads
   * the next part while `uploadConcurrency` parts are in flight, through a fixed pool of part buffers. Any
   * failure aborts the upload, so a partial object never becomes visible.
   */
  private async upload(key: string, source: Readable): Promise<void> {
    const reader = new PartReader(source);
    try {
      const small = await reader.readSmall(this.partSize);
      if (small) await this.client.putObject(this.bucket, key, small, small.length);
      else await this.uploadMultipart(key, reader);
    } finally {
      await reader.close();
    }
  }

  private async uploadMultipart(key: string, reader: PartReader): Promise<void> {
    const uploadId = await this.client.initiateNewMultipartUpload(this.bucket, key, {});
    const etags: { part: number; etag: string }[] = [];
    const free: Buffer[] = [];
    let allocated = 0;
    let waiting: (() => void) | undefined;
    const inFlight = new Set<Promise<void>>();
    let failure: { error: unknown } | undefined;
    // One buffer is being filled while the others are sent.
    const takeBuffer = async (): Promise<Buffer> => {
      while (free.length === 0 && allocated > this.uploadConcurrency) await new Promise<void>((resolve) => (waiting = resolve));
      if (free.length > 0) return free.pop()!;
      allocated++;
      return Buffer.allocUnsafeSlow(this.partSize);
    };
    const giveBack = (buffer: Buffer) => {
      free.push(buffer);
      waiting?.();
      waiting = undefined;
    };
    try {
      for (let part = 1; !reader.done; part++) {
        const buffer = await takeBuffer();
        if (failure) throw failure.error;
        const length = await reader.fill(buffer);
        if (length === 0) {
          giveBack(buffer);
          break;
        }
        const request: Promise<void> = this.client
          .uploadPart({ bucketName: this.bucket, objectName: key, uploadID: uploadId, partNumber: part, headers: {} }, buffer.subarray(0, length))
          .then(
            (result) => void etags.push({ part, etag: result.etag }),
            (error: unknown) => void (failure ??= { error }),
          )
          .finally(() => {
            inFlight.delete(request);
            giveBack(buffer);
          });
        inFlight.add(request);
      }
      await Promise.all(inFlight);
      if (failure) throw failure.error;
      etags.sort((a, b) => a.part - b.part);
      await this.client.completeMultipartUpload(this.bucket, key, uploadId, etags);
    } catch (error) {
      await Promise.all(inFlight);
      // The original failure is what the caller needs; an abort that fails too leaves parts that the
      // bucket's lifecycle rule for incomplete uploads removes (see docs/storage.md).
      await this.client.abortMultipartUpload(this.bucket, key, uploadId).catch(() => undefined);
      throw error;
    }
  }
}

function parseEndpoint(endpoint: string | undefined): { host: string; port?: number; secure: boolean } {
  if (endpoint === undefined) return { host: 's3.amazonaws.com', secure: true };
  let url: URL;
  try {
    url = new URL(endpoint);
  } catch {
    throw new S3StorageError(`storage.endpoint ${JSON.stringify(endpoint)} is not a URL such as http://127.0.0.1:9000`);
  }
  if ((url.protocol !== 'http:' && url.protocol !== 'https:') || (url.pathname !== '/' && url.pathname !== '') || url.search || url.username) {
    throw new S3StorageError(`storage.endpoint ${JSON.stringify(endpoint)} must be http(s)://host[:port], without path or credentials`);
  }
  return {
    host: url.hostname.replace(/^\[(.*)\]$/, '$1'),
    ...(url.port ? { port: Number(url.port) } : {}),
    secure: url.protocol === 'https:',
  };
}

/** `osprey/prod` -> `osprey/prod/`; its segments obey the URI rules so the prefix cannot be escaped either. */
function normalizePrefix(prefix: string | undefined): string {
  const trimmed = (prefix ?? '').replace(/^\/+|\/+$/g, '');
  if (trimmed === '') return '';
  try {
    storageSegments(STORAGE_SCHEME + trimmed);
  } catch (error) {
    throw new S3StorageError(`storage.prefix ${JSON.stringify(prefix)} is invalid: ${(error as Error).message}`);
  }
  return `${trimmed}/`;
}

/** Opens the bucket (creating it unless `createBucket` is false) and returns the storage on it. */
export async function openS3Storage(options: S3StorageOptions): Promise<S3Storage> {
  const storage = new S3Storage(options);
  try {
    await storage.ensureBucket();
  } catch (error) {
    await storage.close();
    throw error;
  }
  return storage;
}
