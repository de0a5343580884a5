import { RETURN_TASK } from '@osprey/flow-model';
import type { RunContext, TaskRunner, TaskRunnerResult } from '../task-runner.js';
import { TaskProperties } from '../support/task-properties.js';

/** `io.kestra.plugin.core.debug.Return`: outputs the rendered `format` as `value`. */
export class ReturnTask implements TaskRunner {
  async run(ctx: RunContext): Promise<TaskRunnerResult> {
    const value = await new TaskProperties(ctx, RETURN_TASK).string('format');
    // Kestra serializes outputs without nulls: no format, no `value`.
    return { outputs: value === undefined ? {} : { value } };
  }
}
