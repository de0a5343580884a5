import type { Readable } from 'node:stream';
import { storageUri, StorageNotFoundError, type Storage, type StorageObjectInfo } from '@osprey/storage';
import { InvalidArgumentError } from '../invalid-argument-error.js';
import { checkNamespace } from './namespace-name.js';

/** Kestra's `FileAttributes` of a namespace file or folder. */
export interface NamespaceFileAttributes {
  fileName: string;
  lastModifiedTime: number;
  creationTime: number;
  type: 'File' | 'Directory';
  size: number;
}

/**
 * The files attached to a namespace, kept in internal storage under `kestra:///<namespace as folders>/_files/`
 * (Kestra's layout). Every path is checked to stay under that prefix: `..`, `.`, empty segments, backslashes and
 * NUL bytes are refused.
 */
export class NamespaceFiles {
  constructor(private readonly storage: Storage) {}

  async put(namespace: string, path: string, content: Readable | Buffer | string): Promise<NamespaceFileAttributes> {
    const segments = this.segments(namespace, path);
    if (segments.length === 0) throw new InvalidArgumentError('path', 'must name a file');
    const info = await this.storage.put(this.uri(namespace, segments), content);
    return toAttributes(segments[segments.length - 1]!, info);
  }

  async get(namespace: string, path: string): Promise<Readable> {
    const segments = this.segments(namespace, path);
    if (segments.length === 0) throw new InvalidArgumentError('path', 'must name a file');
    return this.storage.get(this.uri(namespace, segments));
  }

  async stats(namespace: string, path: string): Promise<NamespaceFileAttributes> {
    const segments = this.segments(namespace, path);
    if (segments.length > 0) {
      const info = await this.storage.stat(this.uri(namespace, segments));
      if (info) return toAttributes(segments[segments.length - 1]!, info);
    }
    const inside = await this.storage.list(this.uri(namespace, segments));
    if (inside.length === 0 && segments.length > 0) throw new StorageNotFoundError(`${namespace}:/${segments.join('/')}`);
    return directory(segments[segments.length - 1] ?? '', inside);
  }

  /** The files and folders directly in a folder (folders exist while they hold files). */
  async list(namespace: string, path?: string): Promise<NamespaceFileAttributes[]> {
    const segments = this.segments(namespace, path ?? '');
    const base = this.uri(namespace, segments);
    const files = await this.storage.list(base);
    if (segments.length > 0 && files.length === 0) throw new StorageNotFoundError(`${namespace}:/${segments.join('/')}`);
    if (files.length === 1 && files[0]!.uri === base) throw new InvalidArgumentError('path', `${path} is a file, not a folder`);
    const children = new Map<string, StorageObjectInfo[]>();
    for (const file of files) {
      const rest = file.uri.slice(base.length + 1).split('/');
      const name = rest[0]!;
      const group = children.get(name) ?? [];
      group.push(rest.length === 1 ? { ...file, uri: '' } : file);
      children.set(name, group);
    }
    return [...children.entries()].map(([name, group]) =>
      group.length === 1 && group[0]!.uri === '' ? toAttributes(name, group[0]!) : directory(name, group),
    );
  }

  /** Every file of the namespace at any depth, as paths relative to its root. */
  async listAll(namespace: string): Promise<string[]> {
    const base = this.uri(namespace, []);
    return (await this.storage.list(base)).map((file) => file.uri.slice(base.length + 1)).sort();
  }

  /** Deletes a file, or a folder with everything in it; false when there was nothing. */
  async delete(namespace: string, path: string): Promise<boolean> {
    const segments = this.segments(namespace, path);
    if (segments.length === 0) throw new InvalidArgumentError('path', 'must name a file or folder, not the root');
    const uri = this.uri(namespace, segments);
    if (await this.storage.delete(uri)) return true;
    return (await this.storage.deletePrefix(uri)) > 0;
  }

  private uri(namespace: string, segments: string[]): string {
    return storageUri([...checkNamespace(namespace).split('.'), '_files', ...segments]);
  }

  private segments(namespace: string, path: string): string[] {
    checkNamespace(namespace);
    if (typeof path !== 'string') throw new InvalidArgumentError('path', 'must be given once');
    const segments = path.replace(/^\/+/, '').replace(/\/+$/, '').split('/').filter((s, i, all) => !(s === '' && all.length === 1));
    for (const segment of segments) {
      if (segment === '' || segment === '.' || segment === '..') throw new InvalidArgumentError('path', `${JSON.stringify(path)} leaves the namespace's files: empty, "." and ".." segments are not allowed`);
      if (segment.includes('\\') || segment.includes('\0')) throw new InvalidArgumentError('path', 'backslashes and NUL bytes are not allowed');
    }
    return segments;
  }
}

function toAttributes(fileName: string, info: StorageObjectInfo): NamespaceFileAttributes {
  const time = Date.parse(info.lastModified);
  return { fileName, lastModifiedTime: time, creationTime: time, type: 'File', size: info.size };
}

function directory(fileName: string, files: StorageObjectInfo[]): NamespaceFileAttributes {
  const time = files.reduce((latest, f) => Math.max(latest, Date.parse(f.lastModified)), 0);
  return { fileName, lastModifiedTime: time, creationTime: time, type: 'Directory', size: 0 };
}
