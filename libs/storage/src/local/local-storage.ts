import { randomUUID } from 'node:crypto';
import { createReadStream, createWriteStream } from 'node:fs';
import { mkdir, readdir, rename, rm, stat, unlink } from 'node:fs/promises';
import { join, resolve, sep } from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { StoragePathError, type Storage, type StorageObjectInfo } from '../ports.js';
import { StorageNotFoundError } from '../storage-not-found-error.js';
import { storageSegments, storageUri } from '../storage-uri.js';

const TEMP_SUFFIX = '.osprey-tmp';

function isMissing(error: unknown): boolean {
  const code = (error as NodeJS.ErrnoException | undefined)?.code;
  return code === 'ENOENT' || code === 'ENOTDIR';
}

/**
 * Internal storage in a local folder: `kestra:///a/b/file` is `<baseDir>/a/b/file`. Writes stream to a hidden
 * temporary file beside the target and rename it, so readers never see a partial file.
 */
export class LocalStorage implements Storage {
  private readonly base: string;

  constructor(baseDir: string) {
    this.base = resolve(baseDir);
  }

  async put(uri: string, content: Readable | Buffer | string): Promise<StorageObjectInfo> {
    const segments = storageSegments(uri);
    const target = this.pathOf(uri, segments);
    const dir = join(this.base, ...segments.slice(0, -1));
    await mkdir(dir, { recursive: true });
    const temp = join(dir, `.${segments[segments.length - 1]}.${randomUUID()}${TEMP_SUFFIX}`);
    const source = typeof content === 'string' || Buffer.isBuffer(content) ? Readable.from([content]) : content;
    try {
      await pipeline(source, createWriteStream(temp, { flags: 'wx' }));
      await rename(temp, target);
    } catch (error) {
      await rm(temp, { force: true });
      throw error;
    }
    const info = await this.info(storageUri(segments), target);
    if (!info) throw new StorageNotFoundError(uri); // removed by a concurrent delete right after the rename
    return info;
  }

  async get(uri: string): Promise<Readable> {
    const path = this.pathOf(uri, storageSegments(uri));
    // A folder opens like a file on Linux and fails only when read: it is no file of the storage.
    const isFile = await stat(path).then((s) => s.isFile(), () => true);
    if (!isFile) throw new StorageNotFoundError(uri);
    const stream = createReadStream(path);
    // Surface a missing file as a typed error at call time rather than as a later stream error.
    await new Promise<void>((done, fail) => {
      stream.once('open', () => done());
      stream.once('error', (error) => fail(isMissing(error) || (error as NodeJS.ErrnoException).code === 'EISDIR' ? new StorageNotFoundError(uri) : error));
    });
    return stream;
  }

  async stat(uri: string): Promise<StorageObjectInfo | null> {
    const segments = storageSegments(uri);
    return this.info(storageUri(segments), this.pathOf(uri, segments));
  }

  async exists(uri: string): Promise<boolean> {
    return (await this.stat(uri)) !== null;
  }

  async delete(uri: string): Promise<boolean> {
    const path = this.pathOf(uri, storageSegments(uri));
    try {
      const info = await stat(path);
      if (!info.isFile()) return false;
      await unlink(path);
      return true;
    } catch (error) {
      if (isMissing(error)) return false;
      throw error;
    }
  }

  async deletePrefix(prefixUri: string): Promise<number> {
    const segments = storageSegments(prefixUri);
    const path = this.pathOf(prefixUri, segments);
    const files = await this.walk(path, segments);
    await rm(path, { recursive: true, force: true });
    return files.length;
  }

  async list(prefixUri: string): Promise<StorageObjectInfo[]> {
    const segments = storageSegments(prefixUri, { allowRoot: true });
    const files = await this.walk(this.pathOf(prefixUri, segments), segments);
    return files.sort((a, b) => (a.uri < b.uri ? -1 : a.uri > b.uri ? 1 : 0));
  }

  async close(): Promise<void> {}

  /** Resolves under the base and checks the result stays inside it (defence in depth over segment checks). */
  private pathOf(uri: string, segments: readonly string[]): string {
    const path = resolve(this.base, ...segments);
    if (path !== this.base && !path.startsWith(this.base + sep)) throw new StoragePathError(uri, 'leaves the storage root');
    return path;
  }

  private async info(uri: string, path: string): Promise<StorageObjectInfo | null> {
    try {
      const info = await stat(path);
      return info.isFile() ? { uri, size: info.size, lastModified: info.mtime.toISOString() } : null;
    } catch (error) {
      if (isMissing(error)) return null;
      throw error;
    }
  }

  /** Every file at or under `path` (a file prefix lists just that file), skipping in-flight temporary files. */
  private async walk(path: string, segments: readonly string[]): Promise<StorageObjectInfo[]> {
    let entries;
    try {
      entries = await readdir(path, { withFileTypes: true });
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOTDIR') {
        const single = await this.info(storageUri(segments), path);
        return single ? [single] : [];
      }
      if (isMissing(error)) return [];
      throw error;
    }
    const found: StorageObjectInfo[] = [];
    for (const entry of entries) {
      if (entry.name.endsWith(TEMP_SUFFIX)) continue;
      const childSegments = [...segments, entry.name];
      const childPath = join(path, entry.name);
      if (entry.isDirectory()) found.push(...(await this.walk(childPath, childSegments)));
      else if (entry.isFile()) {
        const info = await this.info(storageUri(childSegments), childPath);
        if (info) found.push(info);
      }
    }
    return found;
  }
}

export function openLocalStorage(baseDir: string): LocalStorage {
  return new LocalStorage(baseDir);
}
