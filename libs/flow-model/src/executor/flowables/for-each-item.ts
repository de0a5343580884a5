import type { FOR_EACH_ITEM_TASK } from '../../flow/task-types.js';
import { forEachItemSubtasks } from '../for-each-item-subtasks.js';
import { childScope, type Flowable, type FlowableTask } from './flowable.js';

/**
 * ForEachItem: runs its three parts in sequence, as Kestra does: `<id>_split` cuts the items into batch files on a
 * worker, `<id>_items` starts one subflow per batch, `<id>_merge` gathers the subflows' outputs into one file. Its
 * own errors and finally run after them.
 */
export const forEachItemFlowable: Flowable<FlowableTask<typeof FOR_EACH_ITEM_TASK>> = {
  resolveNexts(run, task, ctx) {
    return ctx.resolveScope(childScope(run, task, forEachItemSubtasks(task)), 'sequential');
  },
};
