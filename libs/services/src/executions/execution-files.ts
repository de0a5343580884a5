import type { Readable } from 'node:stream';
import type { Execution } from '@osprey/flow-model';
import { executionStoragePrefix, storageSegments, StoragePathError, type Storage, type StorageObjectInfo } from '@osprey/storage';

/** Files of one execution in internal storage; every path is checked to stay inside the execution's prefix. */
export class ExecutionFiles {
  constructor(private readonly storage: Storage) {}

  /** The URI, if it is well formed and under the execution's prefix; throws StoragePathError otherwise. */
  confine(execution: Pick<Execution, 'namespace' | 'flowId' | 'id'>, uri: string): string {
    storageSegments(uri);
    const prefix = executionStoragePrefix(execution);
    if (!uri.startsWith(prefix)) throw new StoragePathError(uri, `files of execution ${execution.id} are under ${prefix}`);
    return uri;
  }

  stat(execution: Execution, uri: string): Promise<StorageObjectInfo | null> {
    return this.storage.stat(this.confine(execution, uri));
  }

  read(execution: Execution, uri: string): Promise<Readable> {
    return this.storage.get(this.confine(execution, uri));
  }

  /** Stores an uploaded input file as `<prefix>inputs/<input id>/<file name>` and returns its URI. */
  async putInput(execution: Pick<Execution, 'namespace' | 'flowId' | 'id'>, inputId: string, fileName: string, content: Readable | Buffer | string): Promise<string> {
    const safeName = fileName.replace(/[\\/\0]/g, '_').replace(/^\.+$/, '_') || 'file';
    const safeInput = inputId.replace(/[\\/\0]/g, '_').replace(/^\.+$/, '_');
    const uri = `${executionStoragePrefix(execution)}inputs/${safeInput}/${safeName}`;
    await this.storage.put(uri, content);
    return uri;
  }

  deleteAll(execution: Pick<Execution, 'namespace' | 'flowId' | 'id'>): Promise<number> {
    return this.storage.deletePrefix(executionStoragePrefix(execution));
  }
}
