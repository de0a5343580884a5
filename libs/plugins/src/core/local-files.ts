import { LOCAL_FILES_TASK } from '@osprey/flow-model';
import type { RunContext, TaskRunner, TaskRunnerResult } from '../task-runner.js';
import { TaskProperties } from '../support/task-properties.js';
import { uploadOutputFiles, writeInputFiles } from '../support/working-files.js';

/**
 * `io.kestra.plugin.core.storage.LocalFiles` (deprecated in Kestra): writes `inputs` (relative path ->
 * rendered content, or a `kestra://` URI to copy) into the working directory, then uploads the files
 * matching the `outputs` globs; outputs their `uris` keyed by relative path.
 */
export class LocalFilesTask implements TaskRunner {
  async run(ctx: RunContext): Promise<TaskRunnerResult> {
    const properties = new TaskProperties(ctx, LOCAL_FILES_TASK);
    const inputs = await properties.stringMap('inputs');
    const outputs = (await properties.stringList('outputs')) ?? [];
    const directory = await ctx.workingDirectory();
    if (inputs) await writeInputFiles(ctx, directory, inputs, 'inputs');
    const uris = await uploadOutputFiles(ctx, directory, outputs, 'outputs');
    return { outputs: { uris } };
  }
}
