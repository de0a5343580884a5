import { tasksOf } from '../task-lists.js';
import { childScope, type Flowable } from './flowable.js';
import { numberOr } from './task-values.js';

/** Parallel: starts its tasks together, at most `concurrent` at a time (0: all). */
export const parallelFlowable: Flowable = {
  resolveNexts: (run, task, ctx) => ctx.resolveScope(childScope(run, task, tasksOf(task.tasks)), { concurrency: numberOr(task.concurrent, 0) }),
};
