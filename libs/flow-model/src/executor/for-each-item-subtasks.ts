import type { Task } from '../flow/flow.js';
import { FOR_EACH_ITEM_EXECUTABLE_TASK, FOR_EACH_ITEM_MERGE_TASK, FOR_EACH_ITEM_SPLIT_TASK } from '../flow/task-types.js';

const subtasks = new WeakMap<Task, Task[]>();

/**
 * The tasks a ForEachItem runs in sequence, named as Kestra names them so that `outputs.<id>_items.iterations` and
 * `outputs.<id>_merge.subflowOutputs` read the same: split the items into batch files (worker), start one subflow per
 * batch (executor), merge the subflows' outputs into one file (worker). Built once per task object.
 */
export function forEachItemSubtasks(task: Task): Task[] {
  let list = subtasks.get(task);
  if (!list) {
    const { items, batch, namespace, flowId, revision, inputs, labels, wait, transmitFailed, inheritLabels } = task;
    list = [
      { id: `${task.id}_split`, type: FOR_EACH_ITEM_SPLIT_TASK.name, items, ...(batch === undefined ? {} : { batch }) },
      { id: `${task.id}_items`, type: FOR_EACH_ITEM_EXECUTABLE_TASK.name, ...defined({ namespace, flowId, revision, inputs, labels, wait, transmitFailed, inheritLabels }) },
      { id: `${task.id}_merge`, type: FOR_EACH_ITEM_MERGE_TASK.name },
    ];
    subtasks.set(task, list);
  }
  return list;
}

function defined(values: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(values).filter(([, value]) => value !== undefined));
}
