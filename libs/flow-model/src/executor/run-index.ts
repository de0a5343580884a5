import type { Execution, TaskRun } from '../execution/execution.js';
import type { StateType } from '../execution/state.js';

/** Lookups over one execution's task runs, kept from one decision to the next so that an event costs what it touches. */
export interface RunIndex {
  byKey: Map<string, TaskRun>;
  byId: Map<string, TaskRun>;
  position: Map<string, number>;
  /** Sequential lists: how many leading tasks ended without failure, and whether one of them warned. */
  prefix: Map<string, { count: number; warning: boolean }>;
  /** Loops: the next iteration to start, the iterations running, and how the ended ones went. */
  loops: Map<string, LoopProgress>;
}

export interface LoopProgress {
  next: number;
  open: number[];
  failed?: StateType;
  warning: boolean;
}

/**
 * A task's run in a scope: its task id, its parent run, its loop value and its iteration make it unique (a LoopUntil
 * runs the same children again in each iteration, under the same parent and value).
 */
export function runKey(taskId: string, parentId: string | undefined, value: string | undefined, iteration?: number): string {
  return `${taskId}\u0000${parentId ?? ''}\u0000${value ?? ''}\u0000${iteration ?? ''}`;
}

/** Each index belongs to the execution object the last decision returned; deciding on it again rebuilds one. */
const runIndexes = new WeakMap<Execution, RunIndex>();

/** The index of the previous decision moves to this one; an execution seen for the first time is indexed once. */
export function takeRunIndex(execution: Execution, runs: TaskRun[]): RunIndex {
  const cached = runIndexes.get(execution);
  if (cached) runIndexes.delete(execution);
  return cached ?? buildRunIndex(runs);
}

/** Hands the index to the next decision on `execution`. */
export function keepRunIndex(execution: Execution, index: RunIndex): void {
  runIndexes.set(execution, index);
}

function buildRunIndex(runs: TaskRun[]): RunIndex {
  const index: RunIndex = { byKey: new Map(), byId: new Map(), position: new Map(), prefix: new Map(), loops: new Map() };
  runs.forEach((run, at) => {
    index.position.set(run.id, at);
    indexRun(index, run);
  });
  return index;
}

export function indexRun(index: RunIndex, run: TaskRun): void {
  index.byId.set(run.id, run);
  index.byKey.set(runKey(run.taskId, run.parentTaskRunId, run.value, run.iteration), run);
}
