import { IF_TASK } from '../../flow/task-types.js';
import { isTruthy } from '../is-truthy.js';
import { tasksOf } from '../task-lists.js';
import { childScope, type Flowable, type FlowableTask } from './flowable.js';

/** If: renders `condition` once and runs `then` when it is truthy, `else` otherwise; outputs `evaluationResult`. */
export const ifFlowable: Flowable<FlowableTask<typeof IF_TASK>> = {
  start(run, task, ctx) {
    const evaluationResult = isTruthy(ctx.evaluate(task.condition ?? '', task, run));
    return ctx.replace({ ...run, flowable: { branch: evaluationResult ? 'then' : 'else' }, outputs: { evaluationResult } });
  },
  resolveNexts(run, task, ctx) {
    const branch = run.flowable?.branch as string | undefined;
    const tasks = branch === 'then' ? tasksOf(task.then) : branch === 'else' ? tasksOf(task.else) : [];
    return ctx.resolveScope(childScope(run, task, tasks), 'sequential');
  },
};
