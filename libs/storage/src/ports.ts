import type { Readable } from 'node:stream';

export interface StorageObjectInfo {
  uri: string;
  size: number;
  lastModified: string;
}

/**
 * Internal storage of files passed between tasks, addressed by `kestra:///<namespace path>/<flow>/executions/<id>/...` URIs.
 * Contents are streamed, never loaded whole into memory.
 */
export interface Storage {
  put(uri: string, content: Readable | Buffer | string): Promise<StorageObjectInfo>;
  get(uri: string): Promise<Readable>;
  stat(uri: string): Promise<StorageObjectInfo | null>;
  exists(uri: string): Promise<boolean>;
  delete(uri: string): Promise<boolean>;
  /** Deletes everything under a prefix URI; returns how many objects went. */
  deletePrefix(prefixUri: string): Promise<number>;
  list(prefixUri: string): Promise<StorageObjectInfo[]>;
  close(): Promise<void>;
}

export const STORAGE = Symbol('Storage');

/** A URI that is malformed or leaves the prefix it is confined to. */
export class StoragePathError extends Error {
  constructor(readonly uri: string, reason: string) {
    super(`invalid storage path ${JSON.stringify(uri)}: ${reason}`);
    this.name = 'StoragePathError';
  }
}
