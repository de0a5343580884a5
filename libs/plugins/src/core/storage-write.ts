import { STORAGE_WRITE_TASK } from '@osprey/flow-model';
import type { RunContext, TaskRunner, TaskRunnerResult } from '../task-runner.js';
import { TaskProperties } from '../support/task-properties.js';
import { TaskPropertyError } from '../support/task-errors.js';
import { storageFileName } from '../support/storage-file-name.js';

/** `io.kestra.plugin.core.storage.Write`: stores the rendered `content` as a file; outputs its `uri` and `size`. */
export class StorageWriteTask implements TaskRunner {
  async run(ctx: RunContext): Promise<TaskRunnerResult> {
    const properties = new TaskProperties(ctx, STORAGE_WRITE_TASK);
    const content = await properties.text('content');
    let name: string;
    try {
      name = storageFileName(await properties.string('extension'));
    } catch (error) {
      throw new TaskPropertyError('extension', (error as Error).message);
    }
    const uri = await ctx.storage.putFile(name, content);
    return { outputs: { uri, size: Buffer.byteLength(content) } };
  }
}
