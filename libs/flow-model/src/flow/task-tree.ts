import type { Flow, Task } from './flow.js';
import { resolveTaskType } from './task-types.js';

/** One list of child tasks of a task; `key` names the Switch case for `cases`. */
export interface ChildTaskList {
  property: string;
  key?: string;
  tasks: Task[];
}

/**
 * The child task lists of a task, in the order Kestra declares them, then `errors` and `finally`.
 * Dag entries (`{task, dependsOn}`) are unwrapped to their tasks. Unknown types only have `errors`/`finally`.
 */
export function childTaskLists(task: Task): ChildTaskList[] {
  const lists: ChildTaskList[] = [];
  const definition = resolveTaskType(task.type);
  for (const property of definition?.childTaskProperties ?? []) {
    const value = task[property];
    const spec = definition!.properties[property]!;
    if (spec.type === 'taskCases' && isRecord(value)) {
      for (const [key, tasks] of Object.entries(value)) {
        if (Array.isArray(tasks)) lists.push({ property, key, tasks: tasks.filter(isTask) });
      }
    } else if (spec.type === 'dagTasks' && Array.isArray(value)) {
      lists.push({ property, tasks: value.map((entry) => (isRecord(entry) ? entry.task : undefined)).filter(isTask) });
    } else if (Array.isArray(value)) {
      lists.push({ property, tasks: value.filter(isTask) });
    }
  }
  for (const property of ['errors', 'finally'] as const) {
    const value = task[property];
    if (Array.isArray(value)) lists.push({ property, tasks: value.filter(isTask) });
  }
  return lists;
}

/** Every task of the flow, depth-first in declaration order: tasks, errors, finally, afterExecution. */
export function allTasks(flow: Pick<Flow, 'tasks' | 'errors' | 'finally' | 'afterExecution'>): Task[] {
  const result: Task[] = [];
  const visit = (tasks: readonly Task[]) => {
    for (const task of tasks) {
      result.push(task);
      for (const list of childTaskLists(task)) visit(list.tasks);
    }
  };
  visit(flow.tasks ?? []);
  visit(flow.errors ?? []);
  visit(flow.finally ?? []);
  visit(flow.afterExecution ?? []);
  return result;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function isTask(value: unknown): value is Task {
  return isRecord(value) && typeof value.id === 'string' && typeof value.type === 'string';
}
