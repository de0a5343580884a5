import { OUTPUT_VALUES_TASK } from '@osprey/flow-model';
import type { RunContext, TaskRunner, TaskRunnerResult } from '../task-runner.js';
import { TaskProperties } from '../support/task-properties.js';

/** `io.kestra.plugin.core.output.OutputValues`: outputs the deeply rendered `values` map as `values`. */
export class OutputValuesTask implements TaskRunner {
  async run(ctx: RunContext): Promise<TaskRunnerResult> {
    const values = (await new TaskProperties(ctx, OUTPUT_VALUES_TASK).map('values')) ?? {};
    return { outputs: { values } };
  }
}
