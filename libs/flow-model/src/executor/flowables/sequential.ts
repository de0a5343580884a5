import { tasksOf } from '../task-lists.js';
import { childScope, type Flowable } from './flowable.js';

/** Sequential: runs its tasks one after the other; a failure stops the list and runs its errors. */
export const sequentialFlowable: Flowable = {
  resolveNexts: (run, task, ctx) => ctx.resolveScope(childScope(run, task, tasksOf(task.tasks)), 'sequential'),
};
