import { STORAGE_DELETE_TASK } from '@osprey/flow-model';
import type { RunContext, TaskRunner, TaskRunnerResult } from '../task-runner.js';
import { TaskFailure } from '../task-runner.js';
import { TaskProperties } from '../support/task-properties.js';

/** `io.kestra.plugin.core.storage.Delete`: deletes a `kestra://` file; outputs `uri` and `deleted`. */
export class StorageDeleteTask implements TaskRunner {
  async run(ctx: RunContext): Promise<TaskRunnerResult> {
    const properties = new TaskProperties(ctx, STORAGE_DELETE_TASK);
    const uri = await properties.string('uri');
    const errorOnMissing = await properties.boolean('errorOnMissing', false);
    const deleted = await ctx.storage.delete(uri);
    if (!deleted && errorOnMissing) throw new TaskFailure(`Unable to find file '${uri}'`);
    return { outputs: { uri, deleted } };
  }
}
