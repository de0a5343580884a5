import type { Flow, Task } from '../../flow/flow.js';
import type { PluginDefinition, PropertiesOf } from '../../flow/plugin-definition.js';
import type { Execution, TaskRun, TaskRunAttempt } from '../../execution/execution.js';
import { newState, withState, type StateType } from '../../execution/state.js';
import type { RenderOptions } from '../../expression/index.js';
import type { ExecutionEvent, ExecutorAction } from '../events.js';
import type { LoopProgress } from '../run-index.js';
import { tasksOf } from '../task-lists.js';

/** A task of a flowable type, its declared properties typed (the flow was validated against them when saved). */
export type FlowableTask<D extends PluginDefinition> = Task & PropertiesOf<D>;

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

/** 'sequential' runs one task at a time; `concurrency` 0 means unlimited. */
export type ListMode = 'sequential' | { concurrency: number };

/**
 * What a flowable may use of the decision in progress (DecisionContext implements it): the execution, the
 * decision's clock and ids through `render`, and the machinery shared by every flowable.
 */
export interface FlowableContext {
  readonly flow: Flow;
  readonly now: Date;
  readonly execution: Execution;
  /** Renders with the decision's `now` and ids, never the wall clock or a random source. */
  readonly render: RenderOptions;
  /** A property that may be a template: rendered to a typed value when it is one, taken as written otherwise. */
  evaluate(value: unknown, task: Task, run: TaskRun): unknown;
  variablesFor(task: Task, run: TaskRun): Record<string, unknown>;
  /** The instant `duration` after the decision's clock. */
  after(duration: string): string;
  act(action: ExecutorAction): void;
  schedule(at: string, event: ExecutionEvent): void;
  log(level: 'INFO' | 'WARN' | 'ERROR', message: string, run?: TaskRun): void;

  runOf(taskRunId: string): TaskRun | undefined;
  taskOf(run: TaskRun): Task | undefined;
  findRun(taskId: string, scope: Pick<Scope, 'parent' | 'value' | 'iteration'>): TaskRun | undefined;
  /** Creates a task's run in a scope: skipped by runIf, dispatched to a worker, or started by its flowable. */
  createRun(task: Task, scope: Scope): TaskRun;
  /** Advances a run that has not ended: a flowable resolves its children; a runnable waits for its worker. */
  drive(run: TaskRun, task: Task): TaskRun;
  replace(run: TaskRun): TaskRun;
  /** Ends a run in `state`, applying the task's allowFailure and allowWarning. */
  finishRun(run: TaskRun, state: StateType): TaskRun;
  /** Ends a run FAILED, its error logged. */
  failRun(run: TaskRun, error: unknown): TaskRun;
  /** The run's attempts with the current one ended in `state`. */
  endAttempt(run: TaskRun, state: StateType): TaskRunAttempt[];
  /** Schedules the next attempt of a failed run when its retry policy allows one. */
  retryLater(run: TaskRun, task: Task, failedAttempt: number): boolean;
  resume(taskRunId?: string): void;
  refreshPausedState(): void;
  kill(finalState?: StateType): void;
  /** Ends every run that has not ended KILLED and asks the workers to stop their jobs. */
  killRunning(): void;
  /** Ends the execution in `state` (flow outputs rendered, a waiting parent told). */
  endExecution(state: StateType): void;
  /** Replaces the execution variables that `vars` reads. */
  setVariables(variables: Record<string, unknown>): void;

  /** Creates and drives the runs of a scope's tasks, then its errors (after a failure) and its finally. */
  resolveScope(scope: Scope, mode: ListMode): ChildrenStatus;
  /** Creates and drives the runs of `tasks` in a scope; ends when all ran, or one failed and the rest settled. */
  resolveList(scope: Scope, tasks: Task[], mode: ListMode): ChildrenStatus;
  /** A scope whose main work already ended in `state` runs its errors (on failure) and finally. */
  endWithBranches(scope: Omit<Scope, 'tasks'>, state: StateType): ChildrenStatus;
  /** How a loop's iterations stand, kept between decisions; `init` computes it from the runs when none is kept. */
  loopProgress(run: TaskRun, init: () => LoopProgress): LoopProgress;
}

/**
 * How the executor resolves one flowable task type, in the shape of Kestra's FlowableTask: what its run records
 * when it starts (its outputs), which children run next, and its own end state. Runnable tasks have none: they
 * go to the workers. `decide` finds a flowable through the registry (flowables/index.ts), never by a switch.
 */
export interface Flowable<T extends Task = Task> {
  /**
   * Its run was just created and set RUNNING: evaluate what the flowable decides once (loop values, the branch and
   * the outputs of a Switch or an If) or start the work it waits for (a child execution, a pause). Throwing fails
   * the run with the error's message.
   */
  start?(run: TaskRun, task: T, ctx: FlowableContext): TaskRun;
  /**
   * Kestra's resolveNexts and FlowableUtils.resolveState in one pass: creates the child runs due now (and drives
   * those already there) and, once they all ended, says in which state, errors and finally included.
   */
  resolveNexts(run: TaskRun, task: T, ctx: FlowableContext): ChildrenStatus;
  /** The flowable's own end state once its children ended in `childrenState` (Kestra: resolveState); theirs by default. */
  resolveState?(childrenState: StateType, run: TaskRun, task: T): StateType;
  /**
   * Its children run on a worker as one job (WorkingDirectory): the run is dispatched like a runnable's, and the
   * executor resolves only the flowable's own errors and finally.
   */
  readonly runsOnWorker?: boolean;
  /** The job a worker ran for the run ended in `state` (and no retry follows); by default the run ends so. */
  jobEnded?(run: TaskRun, task: T, state: StateType, ctx: FlowableContext): void;
  /** A failed run starts its next attempt (a retry, a restart); by default a new worker job or resolving again. */
  retry?(run: TaskRun, task: T, ctx: FlowableContext): void;
}

/** The scope of a flowable's own children: its errors and finally, under its run, in its loop iteration. */
export function childScope(run: TaskRun, task: Task, tasks: Task[]): Scope {
  return { parent: run, value: run.value, iteration: run.iteration, tasks, errors: tasksOf(task.errors), finally: tasksOf(task.finally) };
}

/** The run RUNNING again with a new attempt: the retry or restart of a task the executor runs when it starts. */
export function newAttempt(run: TaskRun, ctx: FlowableContext): TaskRun {
  return ctx.replace({ ...run, attempts: [...run.attempts, { state: withState(newState(ctx.now), 'RUNNING', ctx.now) }], state: withState(run.state, 'RUNNING', ctx.now) });
}

/**
 * The `retry` of a task whose work is all done in `start` (SetVariables, UnsetVariables, Exit): a new attempt runs
 * `start` again, a failure failing the run as on its first attempt. Without it a restart would leave the run RUNNING.
 */
export function startAgain<T extends Task>(start: (run: TaskRun, task: T, ctx: FlowableContext) => TaskRun): (run: TaskRun, task: T, ctx: FlowableContext) => void {
  return (run, task, ctx) => {
    const again = newAttempt(run, ctx);
    try {
      start(again, task, ctx);
    } catch (error) {
      ctx.failRun(ctx.runOf(again.id) ?? again, error);
    }
  };
}
