import { SEQUENTIAL_TASK } from '../../flow/task-types.js';
import { tasksOf } from '../task-lists.js';
import { childScope, type Flowable, type FlowableTask } from './flowable.js';

/** Sequential: runs its tasks one after the other; a failure stops the list and runs its errors. */
export const sequentialFlowable: Flowable<FlowableTask<typeof SEQUENTIAL_TASK>> = {
  resolveNexts: (run, task, ctx) => ctx.resolveScope(childScope(run, task, tasksOf(task.tasks)), 'sequential'),
};
