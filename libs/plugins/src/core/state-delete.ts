import { STATE_DELETE_TASK } from '@osprey/flow-model';
import type { RunContext, TaskRunner, TaskRunnerResult } from '../task-runner.js';
import { TaskFailure } from '../task-runner.js';
import { TaskState } from '../support/task-state.js';

/** `io.kestra.plugin.core.state.Delete`: deletes the state; outputs `deleted`; a missing state fails with `errorOnMissing`. */
export class StateDeleteTask implements TaskRunner {
  async run(ctx: RunContext): Promise<TaskRunnerResult> {
    const state = await TaskState.open(ctx, STATE_DELETE_TASK);
    const errorOnMissing = await state.properties.boolean('errorOnMissing', false);
    const deleted = await state.delete();
    if (!deleted && errorOnMissing) throw new TaskFailure(`Unable to find the state file '${state.name}'`);
    return { outputs: { deleted } };
  }
}
