import { STATE_GET_TASK } from '@osprey/flow-model';
import type { RunContext, TaskRunner, TaskRunnerResult } from '../task-runner.js';
import { TaskFailure } from '../task-runner.js';
import { TaskState } from '../support/task-state.js';

/** `io.kestra.plugin.core.state.Get`: outputs the state's `data` and `count`; a missing state is empty unless `errorOnMissing`. */
export class StateGetTask implements TaskRunner {
  async run(ctx: RunContext): Promise<TaskRunnerResult> {
    const state = await TaskState.open(ctx, STATE_GET_TASK);
    const errorOnMissing = await state.properties.boolean('errorOnMissing', false);
    const data = await state.get();
    if (data === undefined && errorOnMissing) throw new TaskFailure(`State ${state.key} not found`);
    return { outputs: { count: Object.keys(data ?? {}).length, data: data ?? {} } };
  }
}
