import type { Task } from '../../flow/flow.js';
import type { TaskRun } from '../../execution/execution.js';
import type { StateType } from '../../execution/state.js';
import type { DecisionContext } from '../decision-context.js';
import { tasksOf } from '../task-lists.js';

/** Where a list of child runs stands: still running, or ended in `state` (its errors and finally included). */
export type ChildrenStatus = { done: false } | { done: true; state: StateType };
export const RUNNING: ChildrenStatus = { done: false };

/** The runs a list of tasks creates: under `parent`, for one loop `value`/`iteration`, with its errors and finally. */
export interface Scope {
  parent?: TaskRun;
  value?: string;
  iteration?: number;
  tasks: Task[];
  errors: Task[];
  finally: Task[];
}

/**
 * How the executor resolves one flowable task type, in the shape of Kestra's FlowableTask: what its run records
 * when it starts (its outputs), which children run next, and its own end state. Runnable tasks have none: they
 * go to the workers. `decide` finds a flowable through the registry (flowables/index.ts), never by a switch.
 */
export interface Flowable {
  /**
   * Its run was just created and set RUNNING: evaluate what the flowable decides once (loop values, the branch and
   * the outputs of a Switch or an If) or start the work it waits for (a child execution, a pause). Throwing fails
   * the run with the error's message.
   */
  start?(run: TaskRun, task: Task, ctx: DecisionContext): TaskRun;
  /**
   * Kestra's resolveNexts and FlowableUtils.resolveState in one pass: creates the child runs due now (and drives
   * those already there) and, once they all ended, says in which state, errors and finally included.
   */
  resolveNexts(run: TaskRun, task: Task, ctx: DecisionContext): ChildrenStatus;
  /** The flowable's own end state once its children ended in `childrenState` (Kestra: resolveState); theirs by default. */
  resolveState?(childrenState: StateType, run: TaskRun, task: Task): StateType;
  /**
   * Its children run on a worker as one job (WorkingDirectory): the run is dispatched like a runnable's, and the
   * executor resolves only the flowable's own errors and finally.
   */
  readonly runsOnWorker?: boolean;
  /** The job a worker ran for the run ended in `state` (and no retry follows); by default the run ends so. */
  jobEnded?(run: TaskRun, task: Task, state: StateType, ctx: DecisionContext): void;
  /** A failed run starts its next attempt (a retry, a restart); by default a new worker job or resolving again. */
  retry?(run: TaskRun, task: Task, ctx: DecisionContext): void;
}

/** The scope of a flowable's own children: its errors and finally, under its run, in its loop iteration. */
export function childScope(run: TaskRun, task: Task, tasks: Task[]): Scope {
  return { parent: run, value: run.value, iteration: run.iteration, tasks, errors: tasksOf(task.errors), finally: tasksOf(task.finally) };
}
