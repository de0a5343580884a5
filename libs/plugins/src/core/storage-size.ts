import { STORAGE_SIZE_TASK } from '@osprey/flow-model';
import type { RunContext, TaskRunner, TaskRunnerResult } from '../task-runner.js';
import { TaskProperties } from '../support/task-properties.js';

/** `io.kestra.plugin.core.storage.Size`: outputs the `size` in bytes of a `kestra://` file. */
export class StorageSizeTask implements TaskRunner {
  async run(ctx: RunContext): Promise<TaskRunnerResult> {
    const uri = await new TaskProperties(ctx, STORAGE_SIZE_TASK).string('uri');
    return { outputs: { size: await ctx.storage.size(uri) } };
  }
}
