import { FAIL_TASK } from '@osprey/flow-model';
import type { RunContext, TaskRunner, TaskRunnerResult } from '../task-runner.js';
import { TaskFailure } from '../task-runner.js';
import { TaskProperties } from '../support/task-properties.js';
import { isTruthyText } from '../support/kestra-truth.js';

/**
 * `io.kestra.plugin.core.execution.Fail`: fails with `errorMessage` ("Task failure"), or, when a
 * `condition` is given, only if it renders truthy.
 */
export class FailTask implements TaskRunner {
  async run(ctx: RunContext): Promise<TaskRunnerResult> {
    const properties = new TaskProperties(ctx, FAIL_TASK);
    if (properties.has('condition')) {
      const condition = await properties.string('condition');
      if (!isTruthyText(condition)) return {};
    }
    throw new TaskFailure((await properties.string('errorMessage')) ?? 'Task failure');
  }
}
