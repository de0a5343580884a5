import { FAIL_TASK } from '@osprey/flow-model';
import type { RunContext, TaskRunner, TaskRunnerResult } from '../task-runner.js';
import { TaskFailure } from '../task-runner.js';
import { TaskProperties } from '../support/task-properties.js';

// Kestra's TruthUtils: every other text, including "False" or " false", is truthy.
const FALSE_VALUES = new Set(['false', '0', '-0', '']);

/**
 * `io.kestra.plugin.core.execution.Fail`: fails with `errorMessage` ("Task failure"), or, when a
 * `condition` is given, only if it renders truthy.
 */
export class FailTask implements TaskRunner {
  async run(ctx: RunContext): Promise<TaskRunnerResult> {
    const properties = new TaskProperties(ctx, FAIL_TASK);
    if (properties.has('condition')) {
      const condition = await properties.string('condition');
      if (condition === undefined || FALSE_VALUES.has(condition)) return {};
    }
    throw new TaskFailure((await properties.string('errorMessage')) ?? 'Task failure');
  }
}
