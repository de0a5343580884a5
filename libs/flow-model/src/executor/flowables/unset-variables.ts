import { UNSET_VARIABLES_TASK } from '../../flow/task-types.js';
import { renderValue } from '../../expression/index.js';
import type { TaskRun } from '../../execution/execution.js';
import { RUNNING, startAgain, type Flowable, type FlowableContext, type FlowableTask } from './flowable.js';

/**
 * UnsetVariables: removes variables from the execution variables that `vars` reads; `a.b` removes key `b` of map
 * `a`. A variable that does not exist fails the task unless `ignoreMissing` is true.
 */
export const unsetVariablesFlowable: Flowable<FlowableTask<typeof UNSET_VARIABLES_TASK>> = {
  start: unsetVariables,
  retry: startAgain(unsetVariables),
  resolveNexts: () => RUNNING,
};

/** The execution variables as `vars` reads them: the execution's own copy, or the flow's until one is set. */
export function currentVariables(ctx: FlowableContext): Record<string, unknown> {
  return ctx.execution.variables ?? ctx.flow.variables ?? {};
}

/** Removes the key at `path`; false when it is not there. */
function unset(node: Record<string, unknown>, path: string[]): boolean {
  const [head, ...rest] = path;
  if (head === undefined || !Object.hasOwn(node, head)) return false;
  if (rest.length === 0) {
    delete node[head];
    return true;
  }
  const child = node[head];
  return !!child && typeof child === 'object' && !Array.isArray(child) && unset(child as Record<string, unknown>, rest);
}

function unsetVariables(run: TaskRun, task: FlowableTask<typeof UNSET_VARIABLES_TASK>, ctx: FlowableContext): TaskRun {
  const names = typeof task.variables === 'string' ? ctx.evaluate(task.variables, task, run) : renderValue(task.variables, ctx.variablesFor(task, run), ctx.render);
  if (!Array.isArray(names)) throw new Error(`variables must be a list of names, got ${JSON.stringify(names)}`);
  const ignoreMissing = ctx.evaluate(task.ignoreMissing ?? false, task, run);
  const variables = structuredClone(currentVariables(ctx));
  const missing: string[] = [];
  for (const name of names.map(String)) if (!unset(variables, name.split('.'))) missing.push(name);
  if (missing.length > 0 && ignoreMissing !== true && ignoreMissing !== 'true') throw new Error(`these variables do not exist: ${missing.join(', ')}`);
  ctx.setVariables(variables);
  return ctx.finishRun(run, 'SUCCESS');
}
