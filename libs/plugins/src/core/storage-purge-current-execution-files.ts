import { STORAGE_PURGE_CURRENT_EXECUTION_FILES_TASK } from '@osprey/flow-model';
import type { RunContext, TaskRunner, TaskRunnerResult } from '../task-runner.js';
import { TaskProperties } from '../support/task-properties.js';

/**
 * `io.kestra.plugin.core.storage.PurgeCurrentExecutionFiles`: deletes every internal storage file of the current
 * execution (its inputs and the files of its tasks so far); outputs their `uris`.
 */
export class StoragePurgeCurrentExecutionFilesTask implements TaskRunner {
  async run(ctx: RunContext): Promise<TaskRunnerResult> {
    new TaskProperties(ctx, STORAGE_PURGE_CURRENT_EXECUTION_FILES_TASK);
    return { outputs: { uris: await ctx.storage.deleteExecutionFiles() } };
  }
}
