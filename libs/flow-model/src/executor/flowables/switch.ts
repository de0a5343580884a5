import { SWITCH_TASK } from '../../flow/task-types.js';
import { tasksOf } from '../task-lists.js';
import { childScope, type Flowable, type FlowableTask } from './flowable.js';
import { stringify } from './task-values.js';

/** The branch a Switch takes when no case names its value. */
const DEFAULTS_BRANCH = '__defaults__';

/** Switch: renders `value` once, runs the case of that name, else `defaults`; outputs `value` and `defaults`. */
export const switchFlowable: Flowable<FlowableTask<typeof SWITCH_TASK>> = {
  start(run, task, ctx) {
    const value = stringify(ctx.evaluate(task.value ?? '', task, run));
    const cases = task.cases ?? {};
    const matched = Object.prototype.hasOwnProperty.call(cases, value);
    const started = ctx.replace({ ...run, flowable: { branch: matched ? value : DEFAULTS_BRANCH }, outputs: { value, defaults: !matched } });
    // A value no case names, with nothing to run by default, is a failure: ending SUCCESS would hide it.
    if (!matched && tasksOf(task.defaults).length === 0) throw new Error(`Switch ${task.id}: no case matches the value '${value}' and there are no defaults`);
    return started;
  },
  resolveNexts(run, task, ctx) {
    const branch = run.flowable?.branch as string | undefined;
    const tasks = branch === undefined ? [] : branch === DEFAULTS_BRANCH ? tasksOf(task.defaults) : tasksOf(task.cases?.[branch]);
    return ctx.resolveScope(childScope(run, task, tasks), 'sequential');
  },
};
