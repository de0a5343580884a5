import { PARALLEL_TASK } from '../../flow/task-types.js';
import { tasksOf } from '../task-lists.js';
import { childScope, type Flowable, type FlowableTask } from './flowable.js';
import { numberOr } from './task-values.js';

/** Parallel: starts its tasks together, at most `concurrent` at a time (0: all). */
export const parallelFlowable: Flowable<FlowableTask<typeof PARALLEL_TASK>> = {
  resolveNexts: (run, task, ctx) => ctx.resolveScope(childScope(run, task, tasksOf(task.tasks)), { concurrency: numberOr(task.concurrent, 0) }),
};
