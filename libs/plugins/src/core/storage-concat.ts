import { STORAGE_CONCAT_TASK } from '@osprey/flow-model';
import { Readable } from 'node:stream';
import type { RunContext, TaskRunner, TaskRunnerResult } from '../task-runner.js';
import { TaskProperties } from '../support/task-properties.js';
import { TaskPropertyError } from '../support/task-errors.js';
import { storageFileName } from '../support/storage-file-name.js';

/**
 * `io.kestra.plugin.core.storage.Concat`: concatenates `files` (a list of `kestra://` URIs or a JSON
 * string of one) into a new file, each followed by `separator` as Kestra does; outputs its `uri`.
 * Files are streamed one after the other, never held in memory.
 */
export class StorageConcatTask implements TaskRunner {
  async run(ctx: RunContext): Promise<TaskRunnerResult> {
    const properties = new TaskProperties(ctx, STORAGE_CONCAT_TASK);
    const files = await properties.list('files');
    const uris = files.map((file) => {
      if (typeof file !== 'string') throw new TaskPropertyError('files', 'must be a list of kestra:// URIs');
      return file;
    });
    const separator = await properties.string('separator');
    let name: string;
    try {
      name = storageFileName((await properties.string('extension')) ?? '.tmp');
    } catch (error) {
      throw new TaskPropertyError('extension', (error as Error).message);
    }

    const storage = ctx.storage;
    async function* concatenated(): AsyncGenerator<Buffer> {
      for (const uri of uris) {
        for await (const chunk of await storage.get(uri)) yield Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk);
        if (separator !== undefined) yield Buffer.from(separator);
      }
    }
    const uri = await storage.putFile(name, Readable.from(concatenated(), { objectMode: false }));
    return { outputs: { uri } };
  }
}
