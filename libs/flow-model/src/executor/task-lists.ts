import type { Flow, Task } from '../flow/flow.js';
import { flowableKind } from './flowable-kind.js';
import { forEachItemSubtasks } from './for-each-item-subtasks.js';
import { flag } from '../flow/flag.js';

const taskIndexes = new WeakMap<Flow, Map<string, Task>>();

/** Every task of a flow by id, at any depth; built once per flow object. */
export function tasksByIdOf(flow: Flow): Map<string, Task> {
  let tasks = taskIndexes.get(flow);
  if (!tasks) {
    tasks = new Map();
    indexTasks(flow, tasks);
    taskIndexes.set(flow, tasks);
  }
  return tasks;
}

function indexTasks(flow: Flow, into: Map<string, Task>): void {
  const visit = (tasks: unknown): void => {
    for (const task of tasksOf(tasks)) {
      into.set(task.id, task);
      visit(task.tasks);
      visit(task.errors);
      visit(task.finally);
      visit(task.then);
      visit(task.else);
      visit(task.defaults);
      if (task.cases && typeof task.cases === 'object') for (const list of Object.values(task.cases)) visit(list);
      if (flowableKind(task.type) === 'ForEachItem') visit(forEachItemSubtasks(task));
    }
  };
  visit(flow.tasks);
  visit(flow.errors);
  visit(flow.finally);
  visit(flow.afterExecution);
}

/** Child task lists hold tasks directly, except Dag whose entries wrap them as `{ task, dependsOn }`. */
const taskLists = new WeakMap<unknown[], Task[]>();
export function tasksOf(value: unknown): Task[] {
  if (!Array.isArray(value)) return [];
  let tasks = taskLists.get(value);
  if (!tasks) {
    tasks = value.map((item) => (item && typeof item === 'object' && 'task' in item && !('type' in item) ? (item as { task: Task }).task : (item as Task)));
    taskLists.set(value, tasks);
  }
  return tasks;
}

const enabledLists = new WeakMap<Task[], Task[]>();
/** The tasks of a list that are not disabled (a disabled task gets no task run). */
export function enabled(tasks: Task[]): Task[] {
  let list = enabledLists.get(tasks);
  if (!list) {
    list = tasks.filter((t) => !flag(t.disabled, false));
    enabledLists.set(tasks, list);
  }
  return list;
}
