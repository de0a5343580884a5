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

/** The object that keeps an empty folder made with createDirectory (storage has objects only, no folders); never listed. */
const FOLDER_MARKER = '.osprey-folder';

/** Kestra keeps the namespace's flows under this folder in exports: not a namespace file path. */
const FLOWS_FOLDER = '_flows';

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
    await this.checkParents(namespace, segments, 'path');
    const uri = this.uri(namespace, segments);
    // Listing a file answers the file itself: anything else under the uri makes it a folder.
    if ((await this.storage.list(uri)).some((object) => object.uri !== uri)) throw new InvalidArgumentError('path', `${path} is a folder`);
    const info = await this.storage.put(uri, content);
    return toAttributes(segments[segments.length - 1]!, info);
  }

  /** Creates a folder (and its parents); it stays, empty, until it or its last file is deleted. */
  async createDirectory(namespace: string, path: string): Promise<void> {
    const segments = this.segments(namespace, path);
    if (segments.length === 0) return;
    const uri = this.uri(namespace, segments);
    if (await this.storage.stat(uri)) throw new InvalidArgumentError('path', `${path} is a file`);
    await this.checkParents(namespace, segments, 'path');
    await this.storage.put(this.uri(namespace, [...segments, FOLDER_MARKER]), '');
  }

  /** Moves a file or a folder with everything in it; the target must not exist yet. */
  async move(namespace: string, from: string, to: string): Promise<void> {
    const source = this.segments(namespace, from, 'from');
    const target = this.segments(namespace, to, 'to');
    if (source.length === 0) throw new InvalidArgumentError('from', 'must name a file or folder, not the root');
    if (target.length === 0) throw new InvalidArgumentError('to', 'must name a file or folder, not the root');
    if (target.length >= source.length && source.every((s, i) => target[i] === s)) {
      throw new InvalidArgumentError('to', `${to} is ${from} or inside it`);
    }
    const sourceUri = this.uri(namespace, source);
    const targetUri = this.uri(namespace, target);
    const file = await this.storage.stat(sourceUri);
    const objects = file ? [file] : await this.storage.list(sourceUri);
    if (objects.length === 0) throw new StorageNotFoundError(`${namespace}:/${source.join('/')}`);
    if ((await this.storage.stat(targetUri)) || (await this.storage.list(targetUri)).length > 0) {
      throw new InvalidArgumentError('to', `${to} already exists`);
    }
    await this.checkParents(namespace, target, 'to');
    for (const object of objects) await this.storage.put(targetUri + object.uri.slice(sourceUri.length), await this.storage.get(object.uri));
    if (file) await this.storage.delete(sourceUri);
    else await this.storage.deletePrefix(sourceUri);
    await this.dropEmptiedFolders(namespace, source.slice(0, -1));
  }

  /** Paths (`/a/b.txt`) of the namespace's files that contain `text`, sorted. */
  async search(namespace: string, text: string): Promise<string[]> {
    return (await this.listAll(namespace)).map((path) => `/${path}`).filter((path) => path.includes(text));
  }

  async get(namespace: string, path: string): Promise<Readable> {
    const segments = this.segments(namespace, path);
    if (segments.length === 0) throw new InvalidArgumentError('path', 'must name a file');
    const uri = this.uri(namespace, segments);
    // A folder is listed, not read (storage would fail reading it).
    if ((await this.storage.list(uri)).some((object) => object.uri !== uri)) throw new InvalidArgumentError('path', `${path} is a folder`);
    return this.storage.get(uri);
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
      if (file.uri === `${base}/${FOLDER_MARKER}`) continue;
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
    return (await this.storage.list(base))
      .map((file) => file.uri.slice(base.length + 1))
      .filter((path) => !path.endsWith(`/${FOLDER_MARKER}`) && path !== FOLDER_MARKER)
      .sort();
  }

  /** Deletes a file, or a folder with everything in it; false when there was nothing. */
  async delete(namespace: string, path: string): Promise<boolean> {
    const segments = this.segments(namespace, path);
    if (segments.length === 0) throw new InvalidArgumentError('path', 'must name a file or folder, not the root');
    const uri = this.uri(namespace, segments);
    const deleted = (await this.storage.delete(uri)) || (await this.storage.deletePrefix(uri)) > 0;
    if (deleted) await this.dropEmptiedFolders(namespace, segments.slice(0, -1));
    return deleted;
  }

  /**
   * After a delete or move, the emptied parent folders go as Kestra's do, up to the first one that still holds
   * something: a folder made with createDirectory keeps its marker until then.
   */
  private async dropEmptiedFolders(namespace: string, segments: string[]): Promise<void> {
    for (let depth = segments.length; depth > 0; depth--) {
      const folder = this.uri(namespace, segments.slice(0, depth));
      const inside = await this.storage.list(folder);
      if (inside.length !== 1 || inside[0]!.uri !== `${folder}/${FOLDER_MARKER}`) return;
      await this.storage.delete(inside[0]!.uri);
    }
  }

  /** A file cannot hold files: every folder above `segments` must not be a file (storage would fail on it). */
  private async checkParents(namespace: string, segments: string[], field: string): Promise<void> {
    for (let depth = 1; depth < segments.length; depth++) {
      if (await this.storage.stat(this.uri(namespace, segments.slice(0, depth)))) {
        throw new InvalidArgumentError(field, `/${segments.slice(0, depth).join('/')} is a file, not a folder`);
      }
    }
  }

  private uri(namespace: string, segments: string[]): string {
    return storageUri([...checkNamespace(namespace).split('.'), '_files', ...segments]);
  }

  private segments(namespace: string, path: string, field = 'path'): string[] {
    checkNamespace(namespace);
    if (typeof path !== 'string') throw new InvalidArgumentError(field, 'must be given once');
    const segments = path.replace(/^\/+/, '').replace(/\/+$/, '').split('/').filter((s, i, all) => !(s === '' && all.length === 1));
    for (const segment of segments) {
      if (segment === '' || segment === '.' || segment === '..') throw new InvalidArgumentError(field, `${JSON.stringify(path)} leaves the namespace's files: empty, "." and ".." segments are not allowed`);
      if (segment.includes('\\') || segment.includes('\0')) throw new InvalidArgumentError(field, 'backslashes and NUL bytes are not allowed');
      if (segment === FOLDER_MARKER) throw new InvalidArgumentError(field, `${FOLDER_MARKER} is reserved: it keeps empty folders`);
    }
    if (segments[0] === FLOWS_FOLDER) throw new InvalidArgumentError(field, `/${FLOWS_FOLDER} is reserved for the namespace's flows (as in exports)`);
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
