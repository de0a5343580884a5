import { EXIT_STATES, EXIT_TASK } from '../../flow/task-types.js';
import { isTerminated, withState, type StateType } from '../../execution/state.js';
import type { TaskRun } from '../../execution/execution.js';
import { RUNNING, startAgain, type Flowable, type FlowableContext, type FlowableTask } from './flowable.js';

/**
 * Exit: ends the execution in `state` (SUCCESS by default) as soon as its run is created. KILLED kills what runs, as
 * a kill would; any other state ends the Exit run and the flowables around it in that state, then the execution,
 * so no later task (nor `errors` or `finally`) starts. Tasks still running beside it are killed (see docs/tasks.md).
 */
export const exitFlowable: Flowable<FlowableTask<typeof EXIT_TASK>> = {
  start: exitExecution,
  retry: startAgain(exitExecution),
  // Its run always ends in start: there is nothing to resolve afterwards.
  resolveNexts: () => RUNNING,
};

function exitExecution(run: TaskRun, task: FlowableTask<typeof EXIT_TASK>, ctx: FlowableContext): TaskRun {
  const rendered = String(ctx.evaluate(task.state ?? 'SUCCESS', task, run)).toUpperCase();
  const state = EXIT_STATES.find((s) => s === rendered);
  if (!state) throw new Error(`Exit state must be one of ${EXIT_STATES.join(', ')}, got '${rendered}'`);
  const ended = ctx.finishRun(run, state);
  if (state === 'KILLED') {
    ctx.kill('KILLED');
    return ctx.runOf(run.id) ?? ended;
  }
  for (let parentId = run.parentTaskRunId; parentId; ) {
    const parent = ctx.runOf(parentId);
    if (!parent) break;
    if (!isTerminated(parent.state.current)) ctx.replace({ ...parent, state: withState(parent.state, state as StateType, ctx.now) });
    parentId = parent.parentTaskRunId;
  }
  ctx.killRunning();
  ctx.endExecution(state);
  return ctx.runOf(run.id) ?? ended;
}
