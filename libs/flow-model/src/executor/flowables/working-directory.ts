import { WORKING_DIRECTORY_TASK } from '../../flow/task-types.js';
import type { StateType } from '../../execution/state.js';
import { RUNNING, childScope, type Flowable, type FlowableTask } from './flowable.js';

/**
 * WorkingDirectory: its tasks run on one worker, in one directory, as one job; the executor records the job's end
 * state and then resolves the WorkingDirectory's own errors and finally.
 */
export const workingDirectoryFlowable: Flowable<FlowableTask<typeof WORKING_DIRECTORY_TASK>> = {
  runsOnWorker: true,
  resolveNexts(run, task, ctx) {
    const jobState = run.flowable?.jobState as StateType | undefined;
    return jobState ? ctx.endWithBranches(childScope(run, task, []), jobState) : RUNNING;
  },
  jobEnded(run, _task, state, ctx) {
    ctx.replace({ ...run, flowable: { ...(run.flowable ?? {}), jobState: state } });
  },
};
