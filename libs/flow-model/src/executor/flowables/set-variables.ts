import { deepMerge } from '../../flow/plugin-defaults.js';
import { SET_VARIABLES_TASK } from '../../flow/task-types.js';
import { renderValue } from '../../expression/index.js';
import type { TaskRun } from '../../execution/execution.js';
import { RUNNING, startAgain, type Flowable, type FlowableContext, type FlowableTask } from './flowable.js';
import { currentVariables } from './unset-variables.js';

/**
 * SetVariables: renders `variables` and merges them into the execution variables that `vars` reads from then on
 * (nested maps merge, other values replace). With `overwrite: false` a variable that exists already fails the task.
 */
export const setVariablesFlowable: Flowable<FlowableTask<typeof SET_VARIABLES_TASK>> = {
  start: setVariables,
  retry: startAgain(setVariables),
  resolveNexts: () => RUNNING,
};

function setVariables(run: TaskRun, task: FlowableTask<typeof SET_VARIABLES_TASK>, ctx: FlowableContext): TaskRun {
  // An expression gives the map; a map written out has each value rendered.
  const rendered = typeof task.variables === 'string' ? ctx.evaluate(task.variables, task, run) : renderValue(task.variables, ctx.variablesFor(task, run), ctx.render);
  if (!rendered || typeof rendered !== 'object' || Array.isArray(rendered)) throw new Error(`variables must be a map, got ${JSON.stringify(rendered)}`);
  const overwrite = ctx.evaluate(task.overwrite ?? true, task, run);
  const current = currentVariables(ctx);
  if (overwrite === false || overwrite === 'false') {
    const existing = Object.keys(rendered).filter((key) => Object.hasOwn(current, key));
    if (existing.length > 0) throw new Error(`overwrite is false and these variables exist already: ${existing.join(', ')}`);
  }
  ctx.setVariables(deepMerge(current, rendered as Record<string, unknown>));
  return ctx.finishRun(run, 'SUCCESS');
}
