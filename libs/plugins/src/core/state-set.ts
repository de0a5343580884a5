import { STATE_SET_TASK } from '@osprey/flow-model';
import type { RunContext, TaskRunner, TaskRunnerResult } from '../task-runner.js';
import { TaskState } from '../support/task-state.js';

/** `io.kestra.plugin.core.state.Set`: merges `data` into the state; outputs its `key` and its `count` of entries. */
export class StateSetTask implements TaskRunner {
  async run(ctx: RunContext): Promise<TaskRunnerResult> {
    const state = await TaskState.open(ctx, STATE_SET_TASK);
    const merged = await state.merge((await state.properties.map('data')) ?? {});
    return { outputs: { count: Object.keys(merged).length, key: state.key } };
  }
}
