import type { Flow, Label, RetryPolicy, Task } from '../flow/flow.js';
import type { Execution, TaskRun, TaskRunAttempt } from '../execution/execution.js';
import { isFailed, isTerminated, newState, withState, type StateType } from '../execution/state.js';
import { evaluateExpression, isTemplate, type RenderOptions } from '../expression/index.js';
import { uuidFrom } from '../expression/unique-ids.js';
import { applyPluginDefaults, parseDuration, workerGroupOf } from '../flow/index.js';
import type { ExecutionEvent, ExecutorAction } from './events.js';
import { errorMessage } from './error-message.js';
import { renderFlowOutputs } from './flow-outputs.js';
import { flowableOf } from './flowables/index.js';
import { RUNNING, type ChildrenStatus, type FlowableContext, type ListMode, type Scope } from './flowables/flowable.js';
import { isTruthy } from './is-truthy.js';
import { mergeLabelLists } from './label-lists.js';
import { nextRetryDelay } from './retry.js';
import { executionMetadata, retryExecutionOf } from './retry-execution.js';
import { indexRun, keepRunIndex, runKey, takeRunIndex, type LoopProgress, type RunIndex } from './run-index.js';
import { outputsVariable, runVariables } from './run-variables.js';
import { enabled, tasksByIdOf } from './task-lists.js';
import { flag } from '../flow/flag.js';

export interface DecideInput {
  flow: Flow;
  execution: Execution;
  event: ExecutionEvent;
  now: Date;
  /** Generates task run ids; injected so that the function stays deterministic under test. */
  newId: () => string;
  render?: RenderOptions;
  /** For a `start` event of a flow with a concurrency limit: how many other executions of it run now. */
  runningOfFlow?: number;
  /** The `envs` variable of expressions. */
  envs?: Record<string, string>;
  /** The worker groups with a live worker now, for flows whose tasks name one. Absent: jobs are dispatched without checking. */
  workerGroups?: { live: ReadonlySet<string> };
}

export interface Decision {
  execution: Execution;
  /** Task runs created or changed by this decision. */
  changedTaskRuns: TaskRun[];
  actions: ExecutorAction[];
}

/**
 * What one decision works on, shared by the event handlers and the flowables: the execution as it changes, the
 * actions it asks for, and the machinery every flowable needs (creating, dispatching, ending, retrying and killing
 * task runs, logging, rendering expressions with the decision's clock and ids).
 */
export class DecisionContext implements FlowableContext {
  readonly flow: Flow;
  readonly now: Date;
  execution: Execution;
  /** Expressions see the decision's clock and ids, never the wall clock or a random source. */
  readonly render: RenderOptions;
  private readonly idx: RunIndex;
  private readonly changed = new Map<string, TaskRun>();
  private readonly actions: ExecutorAction[] = [];
  private readonly tasksById: Map<string, Task>;
  private outputsCache?: Record<string, unknown>;

  constructor(readonly input: DecideInput) {
    this.flow = input.flow;
    this.now = input.now;
    // uuid() gives a UUID, as documented, made from the next injected id (the executor's ids are base62).
    this.render = { ...input.render, now: () => input.now, uuid: () => uuidFrom(input.newId()), random: () => unitOf(input.newId()) };
    this.execution = { ...input.execution, taskRunList: [...input.execution.taskRunList] };
    this.idx = takeRunIndex(input.execution, this.execution.taskRunList);
    this.tasksById = tasksByIdOf(this.flow);
  }

  newId(): string {
    return this.input.newId();
  }

  /** The decision so far; the execution's version moves on when anything changed. */
  decision(): Decision {
    const changed =
      this.execution.state !== this.input.execution.state || this.execution.labels !== this.input.execution.labels || this.execution.variables !== this.input.execution.variables;
    if (this.changed.size > 0 || changed || this.actions.length > 0) {
      this.execution = { ...this.execution, version: this.input.execution.version + 1 };
    }
    keepRunIndex(this.execution, this.idx);
    return { execution: this.execution, changedTaskRuns: [...this.changed.values()], actions: this.actions };
  }

  act(action: ExecutorAction): void {
    this.actions.push(action);
  }

  /** Delivers `event` to this execution at `at`. */
  schedule(at: string, event: ExecutionEvent): void {
    this.actions.push({ type: 'schedule', at, event });
  }

  /** Marks a run as written by this decision (a replay's kept runs). */
  touch(run: TaskRun): void {
    this.changed.set(run.id, run);
  }

  log(level: 'INFO' | 'WARN' | 'ERROR', message: string, run?: TaskRun): void {
    this.actions.push({ type: 'log', level, message, taskRunId: run?.id, taskId: run?.taskId });
  }

  // ---- resolution of child lists (Kestra: FlowableUtils) -------------------------------------

  /** Drives one list of tasks (with its errors and finally branches) and reports whether it ended. */
  resolveScope(scope: Scope, mode: ListMode): ChildrenStatus {
    const main = this.resolveList(scope, enabled(scope.tasks), mode);
    if (!main.done) return RUNNING;
    let state = main.state;
    if (isFailed(state) && scope.errors.length > 0 && state !== 'KILLED') {
      const errors = this.resolveList(scope, enabled(scope.errors), 'sequential');
      if (!errors.done) return RUNNING;
    }
    if (scope.finally.length > 0) {
      const fin = this.resolveList(scope, enabled(scope.finally), 'sequential');
      if (!fin.done) return RUNNING;
      if (isFailed(fin.state) && !isFailed(state)) state = fin.state;
    }
    return { done: true, state };
  }

  /** Creates and drives the runs of `tasks` in a scope; ends when all ran or one failed and the rest settled. */
  resolveList(scope: Scope, tasks: Task[], mode: ListMode): ChildrenStatus {
    const limit = mode === 'sequential' ? 1 : mode.concurrency <= 0 ? Infinity : mode.concurrency;
    // Sequential lists remember how many leading tasks ended well, so each event resumes where the list stands.
    const prefixKey = limit === 1 && tasks.length > 0 ? runKey(tasks[0]!.id, scope.parent?.id, scope.value, scope.iteration) : undefined;
    const prefix = prefixKey ? this.idx.prefix.get(prefixKey) : undefined;
    const start = prefix?.count ?? 0;
    let leading = start;
    let leadingWarning = prefix?.warning ?? false;
    let active = 0;
    let failed: StateType | undefined;
    // Runs started together all start (Kestra creates a parallel list's runs at once): a run that fails as it
    // is created stops only later passes from starting more, and keeps its slot in this one.
    let failedBefore = false;
    let failedOnCreation = 0;
    let warning = leadingWarning;
    let pending = false;
    for (let i = start; i < tasks.length; i++) {
      const task = tasks[i]!;
      let run = this.findRun(task.id, scope);
      const created = !run;
      if (!run) {
        if ((limit === 1 ? failed : failedBefore) || active + failedOnCreation >= limit || isTerminated(this.execution.state.current)) {
          pending = true;
          continue;
        }
        run = this.createRun(task, scope);
      }
      if (!isTerminated(run.state.current)) run = this.drive(run, task);
      const state = run.state.current;
      if (!isTerminated(state)) {
        active++;
        pending = true;
        if (limit === 1) break;
        continue;
      }
      if (isFailed(state)) {
        failed ??= state;
        if (created) failedOnCreation++;
        else failedBefore = true;
      }
      if (state === 'WARNING') warning = true;
      if (leading === i && !isFailed(state)) {
        leading++;
        leadingWarning ||= state === 'WARNING';
      }
      if (failed && limit === 1) break;
    }
    if (prefixKey && leading > start) this.idx.prefix.set(prefixKey, { count: leading, warning: leadingWarning });
    if (failed) return active > 0 ? RUNNING : { done: true, state: failed };
    if (pending) return RUNNING;
    return { done: true, state: warning ? 'WARNING' : 'SUCCESS' };
  }

  /** A scope whose main work already ended with `state` runs its errors (on failure) and finally. */
  endWithBranches(scope: Omit<Scope, 'tasks'>, state: StateType): ChildrenStatus {
    if (isFailed(state) && scope.errors.length > 0) {
      const errors = this.resolveList({ ...scope, tasks: [] }, enabled(scope.errors), 'sequential');
      if (!errors.done) return RUNNING;
    }
    if (scope.finally.length > 0) {
      const fin = this.resolveList({ ...scope, tasks: [] }, enabled(scope.finally), 'sequential');
      if (!fin.done) return RUNNING;
    }
    return { done: true, state };
  }

  /** Advances a non-terminal run: flowables resolve their children; runnables wait for their worker. */
  drive(run: TaskRun, task: Task): TaskRun {
    const flowable = flowableOf(task.type);
    if (!flowable || run.state.current === 'PAUSED' || run.state.current === 'RETRYING') return this.idx.byId.get(run.id) ?? run;
    const status = flowable.resolveNexts(run, task, this);
    const current = this.idx.byId.get(run.id) ?? run;
    // A run its children already ended (an Exit inside it) keeps the state they gave it.
    if (!status.done || isTerminated(current.state.current)) return current;
    return this.finishRun(current, flowable.resolveState?.(status.state, current, task) ?? status.state);
  }

  // ---- task runs ----------------------------------------------------------------------------

  createRun(rawTask: Task, scope: Scope): TaskRun {
    const task = applyPluginDefaults(rawTask, this.flow.pluginDefaults);
    let run: TaskRun = {
      id: this.input.newId(),
      executionId: this.execution.id,
      namespace: this.execution.namespace,
      flowId: this.execution.flowId,
      taskId: task.id,
      parentTaskRunId: scope.parent?.id,
      value: scope.value,
      iteration: scope.iteration,
      attempts: [],
      state: newState(this.now),
    };
    this.add(run);

    if (task.runIf !== undefined && task.runIf !== null && task.runIf !== '') {
      let runIf: unknown;
      try {
        runIf = this.evaluate(task.runIf, task, run);
      } catch (error) {
        return this.failRun(run, error);
      }
      if (!isTruthy(runIf)) return this.finishRun(run, 'SKIPPED');
    }

    const flowable = flowableOf(task.type);
    if (!flowable || flowable.runsOnWorker) return this.dispatch(run, task);
    run = this.replace({ ...run, state: withState(run.state, 'RUNNING', this.now), attempts: [{ state: withState(newState(this.now), 'RUNNING', this.now) }] });
    try {
      return flowable.start ? flowable.start(run, task, this) : run;
    } catch (error) {
      // What the flowable recorded before it failed (a Switch's value) stays on its run.
      return this.failRun(this.idx.byId.get(run.id) ?? run, error);
    }
  }

  /** Sends a runnable (or WorkingDirectory) to the workers as a new attempt. */
  dispatch(run: TaskRun, task: Task): TaskRun {
    // The timeout may be an expression (e.g. a DURATION input); one that does not render to a duration fails the run.
    let timeoutMs: number | undefined;
    try {
      const timeout = this.evaluate(task.timeout, task, run);
      timeoutMs = typeof timeout === 'string' && timeout ? parseDuration(timeout) : undefined;
    } catch (error) {
      return this.failRun(run, error);
    }
    const group = workerGroupOf(task);
    if (group) {
      const groups = this.input.workerGroups;
      if (groups && !groups.live.has(group.key)) {
        if (group.fallback === 'FAIL') return this.failRun(run, new Error(`no worker of group '${group.key}' is alive: the task fails (workerGroup.fallback FAIL)`));
        this.log('WARN', `no worker of group '${group.key}' is alive: the task waits for one to take it`, run);
      }
    }
    const attempt = run.attempts.length + 1;
    const next = this.replace({ ...run, attempts: [...run.attempts, { state: newState(this.now) }] });
    this.actions.push({
      type: 'dispatch',
      job: {
        id: `${run.id}:${attempt}`,
        executionId: this.execution.id,
        namespace: this.execution.namespace,
        flowId: this.execution.flowId,
        flowRevision: this.execution.flowRevision,
        taskRun: next,
        attempt,
        task,
        variables: this.variablesFor(task, next),
        timeoutMs,
        ...(group ? { workerGroup: group.key } : {}),
      },
    });
    return next;
  }

  failRun(run: TaskRun, error: unknown): TaskRun {
    const attempts = run.attempts.length > 0 ? run.attempts : [{ state: newState(this.now) }];
    const last = attempts[attempts.length - 1]!;
    const failedAttempts = [...attempts.slice(0, -1), { ...last, state: withState(last.state, 'FAILED', this.now) }];
    this.log('ERROR', errorMessage(error), run);
    return this.finishRun({ ...run, attempts: failedAttempts }, 'FAILED');
  }

  /** Ends a run in `state`, applying allowFailure and allowWarning. */
  finishRun(run: TaskRun, state: StateType): TaskRun {
    const task = this.taskOf(run);
    let final = state;
    if (final === 'FAILED' && flag(task?.allowFailure, false)) final = 'WARNING';
    if (final === 'WARNING' && flag(task?.allowWarning, false)) final = 'SUCCESS';
    const attempts = run.attempts.map((a, i) =>
      i === run.attempts.length - 1 && !isTerminated(a.state.current) ? { ...a, state: withState(a.state, final === 'SKIPPED' ? 'SKIPPED' : stateForAttempt(state), this.now) } : a,
    );
    if (run.state.current === 'CREATED' && final !== 'SKIPPED') run = { ...run, state: withState(run.state, 'RUNNING', this.now) };
    return this.replace({ ...run, attempts, state: withState(run.state, final, this.now) });
  }

  /** Ends the current attempt of a run whose work ended in `state` elsewhere (a child execution), keeping the run open. */
  endAttempt(run: TaskRun, state: StateType): TaskRunAttempt[] {
    return run.attempts.map((a, i) => (i === run.attempts.length - 1 && !isTerminated(a.state.current) ? { ...a, state: withState(a.state, stateForAttempt(state), this.now) } : a));
  }

  updateAttempt(run: TaskRun, attemptNumber: number, attempt: TaskRunAttempt, runState: StateType): void {
    const attempts = [...run.attempts];
    attempts[attemptNumber - 1] = attempt;
    const state = run.state.current === runState ? run.state : withState(run.state, runState, this.now);
    this.replace({ ...run, attempts, state });
  }

  // ---- retries ------------------------------------------------------------------------------

  /**
   * Puts a failed run in RETRYING with a timer for its next attempt when its retry policy allows one; false
   * when it does not (the run then ends FAILED).
   */
  retryLater(run: TaskRun, task: Task, failedAttempt: number): boolean {
    const retry = this.retryPolicy(task, run);
    if (retry?.behavior === 'CREATE_NEW_EXECUTION') return this.retryInNewExecution(run, retry);
    const delay = retry ? nextRetryDelay(retry, failedAttempt, Date.parse(run.state.startDate), this.now.getTime()) : undefined;
    if (delay === undefined) return false;
    const attempts = run.attempts.map((a, i) => (i === run.attempts.length - 1 && !isTerminated(a.state.current) ? { ...a, state: withState(a.state, 'FAILED', this.now) } : a));
    this.replace({ ...run, attempts, state: withState(run.state, 'RETRYING', this.now) });
    this.schedule(new Date(this.now.getTime() + delay).toISOString(), { type: 'timer', kind: 'retry', taskRunId: run.id, attempt: failedAttempt });
    return true;
  }

  /**
   * Retry behavior CREATE_NEW_EXECUTION: when the policy allows another try, the failed run, the flowables around it
   * and the execution end RETRIED (what else runs is killed), and the next execution is sent, created and delivered
   * at the end of the delay (a timer of an ended execution would be dropped). The attempts are the executions of the
   * chain; maxDuration counts from the first one's creation.
   */
  private retryInNewExecution(run: TaskRun, retry: RetryPolicy): boolean {
    const metadata = executionMetadata(this.execution);
    const delay = nextRetryDelay(retry, metadata.attemptNumber, Date.parse(metadata.originalCreatedDate), this.now.getTime());
    if (delay === undefined) return false;
    const attempts = run.attempts.map((a, i) => (i === run.attempts.length - 1 && !isTerminated(a.state.current) ? { ...a, state: withState(a.state, 'FAILED', this.now) } : a));
    this.replace({ ...run, attempts, state: withState(run.state, 'RETRIED', this.now) });
    for (let parentId = run.parentTaskRunId; parentId; ) {
      const parent = this.idx.byId.get(parentId);
      if (!parent) break;
      if (!isTerminated(parent.state.current)) this.replace({ ...parent, state: withState(parent.state, 'RETRIED', this.now) });
      parentId = parent.parentTaskRunId;
    }
    this.killRunning();
    // Not an end for a parent execution waiting on this one: the retrying execution carries the parent link.
    this.setExecutionState('RETRIED');
    this.actions.push({ type: 'ended' });
    const at = new Date(this.now.getTime() + delay);
    const next = retryExecutionOf(this.execution, this.input.newId(), at);
    this.actions.push({ type: 'emit', envelope: { executionId: next.id, event: { type: 'start' }, execution: next, deliverAt: at.toISOString() } });
    this.log('WARN', `task ${run.taskId} failed: execution ${next.id} retries this one (attempt ${metadata.attemptNumber + 1}) at ${at.toISOString()}`, run);
    return true;
  }

  retryPolicy(task: Task, run: TaskRun): RetryPolicy | undefined {
    if (task.retry) return task.retry;
    // A retry declared on an enclosing flowable (or the flow) applies to the runnables inside it.
    let parentId = run.parentTaskRunId;
    while (parentId) {
      const parent = this.idx.byId.get(parentId);
      const parentTask = parent && this.taskOf(parent);
      if (parentTask?.retry) return parentTask.retry;
      parentId = parent?.parentTaskRunId;
    }
    return this.flow.retry;
  }

  // ---- pauses and kills ---------------------------------------------------------------------

  /** Resumes the paused runs (one, or all): they go on RUNNING with the inputs given on resume as `onResume`. */
  resume(taskRunId?: string, inputs?: Record<string, unknown>): void {
    const paused = this.execution.taskRunList.filter((r) => r.state.current === 'PAUSED' && (!taskRunId || r.id === taskRunId));
    for (const run of paused) {
      this.replace({
        ...run,
        state: withState(run.state, 'RUNNING', this.now),
        outputs: inputs ? { ...(run.outputs ?? {}), onResume: inputs } : run.outputs,
        flowable: { ...(run.flowable ?? {}), resumed: true },
      });
    }
    this.refreshPausedState();
  }

  /** The execution is PAUSED while one of its runs is, RUNNING again once none is. */
  refreshPausedState(): void {
    const anyPaused = this.execution.taskRunList.some((r) => r.state.current === 'PAUSED');
    const current = this.execution.state.current;
    if (anyPaused && current === 'RUNNING') this.setExecutionState('PAUSED');
    if (!anyPaused && current === 'PAUSED') this.setExecutionState('RUNNING');
  }

  kill(finalState: StateType = 'KILLED'): void {
    this.killRunning();
    this.endExecution(finalState);
  }

  /** Ends every unended run KILLED and asks the workers to stop their jobs. */
  killRunning(): void {
    const running: string[] = [];
    for (const run of this.execution.taskRunList) {
      if (isTerminated(run.state.current)) continue;
      running.push(run.id);
      const attempts = run.attempts.map((a) => (isTerminated(a.state.current) ? a : { ...a, state: withState(a.state, 'KILLED', this.now) }));
      this.replace({ ...run, attempts, state: withState(run.state, 'KILLED', this.now) });
    }
    if (running.length > 0) this.actions.push({ type: 'killJobs', taskRunIds: running });
  }

  // ---- execution ----------------------------------------------------------------------------

  endExecution(state: StateType): void {
    let final = state;
    if (final !== 'KILLED' && final !== 'CANCELLED') {
      try {
        const outputs = renderFlowOutputs(this.flow, () => this.executionVariables(), this.render);
        if (outputs) this.execution = { ...this.execution, outputs };
      } catch (error) {
        final = 'FAILED';
        this.execution = { ...this.execution, outputs: undefined };
        this.log('ERROR', `the flow outputs cannot be rendered: ${errorMessage(error)}`);
      }
    }
    this.setExecutionState(final);
    this.actions.push({ type: 'ended' });
    const parent = this.execution.parent;
    if (parent?.wait) {
      this.actions.push({
        type: 'emit',
        envelope: {
          executionId: parent.executionId,
          event: {
            type: 'subflowEnded',
            taskRunId: parent.taskRunId,
            childExecutionId: this.execution.id,
            state: final,
            taskOutputs: this.outputs(),
            flowOutputs: this.execution.outputs,
          },
        },
      });
    }
  }

  setExecutionState(state: StateType): void {
    if (this.execution.state.current === state) return;
    this.execution = { ...this.execution, state: withState(this.execution.state, state, this.now) };
  }

  mergeLabels(labels: Label[]): void {
    this.execution = { ...this.execution, labels: mergeLabelLists(this.execution.labels, labels) };
  }

  setLabels(labels: Label[]): void {
    this.execution = { ...this.execution, labels };
  }

  setVariables(variables: Record<string, unknown>): void {
    this.execution = { ...this.execution, variables };
  }

  // ---- lookups ------------------------------------------------------------------------------

  /** A property that may be a template: rendered to a typed value when it is one, taken as written otherwise. */
  evaluate(value: unknown, task: Task, run: TaskRun): unknown {
    return typeof value === 'string' && isTemplate(value) ? evaluateExpression(value, this.variablesFor(task, run), this.render) : value;
  }

  variablesFor(task: Task, run: TaskRun): Record<string, unknown> {
    return runVariables({ flow: this.flow, execution: this.execution, task, taskRun: run, outputs: this.outputs(), runsById: this.idx.byId, envs: this.input.envs });
  }

  /** The variables of the execution's own expressions (flow outputs, SLA assertions). */
  executionVariables(): Record<string, unknown> {
    return runVariables({ flow: this.flow, execution: this.execution, outputs: this.outputs(), envs: this.input.envs });
  }

  outputs(): Record<string, unknown> {
    return (this.outputsCache ??= outputsVariable(this.execution));
  }

  taskOf(run: TaskRun): Task | undefined {
    return this.tasksById.get(run.taskId);
  }

  /** Drops what the index knows of list and loop progress (ended runs are about to change). */
  forgetProgress(): void {
    this.idx.prefix.clear();
    this.idx.loops.clear();
  }

  loopProgress(run: TaskRun, init: () => LoopProgress): LoopProgress {
    let progress = this.idx.loops.get(run.id);
    if (!progress) {
      progress = init();
      this.idx.loops.set(run.id, progress);
    }
    return progress;
  }

  runOf(taskRunId: string): TaskRun | undefined {
    return this.idx.byId.get(taskRunId);
  }

  findRun(taskId: string, scope: Pick<Scope, 'parent' | 'value' | 'iteration'>): TaskRun | undefined {
    return this.idx.byKey.get(runKey(taskId, scope.parent?.id, scope.value, scope.iteration));
  }

  add(run: TaskRun): void {
    this.idx.position.set(run.id, this.execution.taskRunList.length);
    this.execution.taskRunList.push(run);
    indexRun(this.idx, run);
    this.changed.set(run.id, run);
    this.outputsCache = undefined;
  }

  replace(run: TaskRun): TaskRun {
    const at = this.idx.position.get(run.id);
    if (at === undefined) {
      this.add(run);
      return run;
    }
    this.execution.taskRunList[at] = run;
    indexRun(this.idx, run);
    this.changed.set(run.id, run);
    if (run.outputs) this.outputsCache = undefined;
    return run;
  }

  /** The instant `duration` after the decision's clock. */
  after(duration: string): string {
    return new Date(this.now.getTime() + parseDuration(duration)).toISOString();
  }
}

/** A number in [0, 1) derived from an id (FNV-1a), so that `randomInt()` depends only on the injected ids. */
function unitOf(id: string): number {
  let hash = 0x811c9dc5;
  for (let i = 0; i < id.length; i++) hash = Math.imul(hash ^ id.charCodeAt(i), 0x01000193);
  return (hash >>> 0) / 0x100000000;
}

function stateForAttempt(state: StateType): StateType {
  return state === 'WARNING' || state === 'SUCCESS' || state === 'FAILED' || state === 'KILLED' ? state : 'SUCCESS';
}
