import type { Readable } from 'node:stream';
import type { TaskRun } from '@osprey/flow-model';
import { executionStoragePrefix, StoragePathError, type Storage } from '@osprey/storage';
import type { ExecutionStorage } from '../task-runner.js';

/** Files of one task run, under its execution's prefix; reads are confined to the flow's namespace. */
export class ScopedStorage implements ExecutionStorage {
  private readonly executionPrefix: string;
  private readonly namespacePrefix: string;

  constructor(
    private readonly storage: Storage,
    namespace: string,
    flowId: string,
    executionId: string,
    private readonly taskRun: Pick<TaskRun, 'id' | 'taskId'>,
  ) {
    this.namespacePrefix = `kestra:///${namespace.replace(/\./g, '/')}/`;
    this.executionPrefix = executionStoragePrefix({ namespace, flowId, id: executionId });
  }

  async putFile(name: string, content: Readable | Buffer | string): Promise<string> {
    const safe = name.replace(/\\/g, '/');
    if (safe.split('/').some((segment) => segment === '..') || safe.startsWith('/')) {
      throw new StoragePathError(name, 'file names may not leave the task folder');
    }
    const uri = `${this.executionPrefix}tasks/${this.taskRun.taskId}/${this.taskRun.id}/${safe}`;
    await this.storage.put(uri, content);
    return uri;
  }

  get(uri: string): Promise<Readable> {
    return this.storage.get(this.confined(uri));
  }

  async size(uri: string): Promise<number> {
    const info = await this.storage.stat(this.confined(uri));
    if (!info) throw new Error(`file ${uri} does not exist`);
    return info.size;
  }

  delete(uri: string): Promise<boolean> {
    return this.storage.delete(this.confined(uri));
  }

  async deleteExecutionFiles(): Promise<string[]> {
    const files = await this.storage.list(this.executionPrefix);
    for (const file of files) await this.storage.delete(file.uri);
    return files.map((file) => file.uri);
  }

  /** The URI, if it is in the flow's namespace (the only files a task may read). */
  confined(uri: string): string {
    if (!uri.startsWith(this.namespacePrefix)) throw new StoragePathError(uri, `only files of namespace prefix ${this.namespacePrefix} can be read here`);
    return uri;
  }
}
