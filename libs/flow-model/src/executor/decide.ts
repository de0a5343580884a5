import type { Flow, Label, RetryPolicy, Task } from '../flow/flow.js';
import type { Execution, TaskRun, TaskRunAttempt } from '../execution/execution.js';
import { isFailed, isTerminated, newState, withState, type StateType } from '../execution/state.js';
import { evaluateExpression, isTemplate, renderTemplate, renderValue, type RenderOptions } from '../expression/index.js';
import { applyPluginDefaults, parseDuration, workerGroupOf } from '../flow/index.js';
import type { ExecutionEvent, ExecutorAction, SubflowEndedEvent, TaskResultEvent } from './events.js';
import { flowableKind, type FlowableKind } from './flowable-kind.js';
import { labelsMap, outputsVariable, runVariables } from './run-variables.js';
import { nextRetryDelay } from './retry.js';
import { executionMetadata, retryExecutionOf } from './retry-execution.js';
import { assertionViolations, hasLabels, hasSla, maxDurationViolation, slaDeadlines, type SlaViolation } from './sla.js';

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
  /**
   * The worker groups with a live worker now, for flows whose tasks name one; or why this server cannot route jobs
   * by group. Absent: jobs are dispatched without checking.
   */
  workerGroups?: { live: ReadonlySet<string> } | { unsupported: string };
}

export interface Decision {
  execution: Execution;
  /** Task runs created or changed by this decision. */
  changedTaskRuns: TaskRun[];
  actions: ExecutorAction[];
}

/**
 * The executor's pure decision function: given a flow, the current execution and one event, returns
 * the next execution, the task runs it changed and what must happen next. No I/O, no clock, no randomness
 * beyond what the input carries.
 */
export function decide(input: DecideInput): Decision {
  return new Decider(input).run();
}

interface Scope {
  parent?: TaskRun;
  value?: string;
  iteration?: number;
  tasks: Task[];
  errors: Task[];
  finally: Task[];
}

type ScopeStatus = { done: false } | { done: true; state: StateType };
const RUNNING: ScopeStatus = { done: false };

const DEFAULTS_BRANCH = '__defaults__';
const QUEUED_RECHECK_MS = 1000;

class Decider {
  private readonly flow: Flow;
  private execution: Execution;
  private readonly now: Date;
  private readonly changed = new Map<string, TaskRun>();
  private readonly actions: ExecutorAction[] = [];
  private readonly idx: RunIndex;
  private readonly tasksById: Map<string, Task>;
  private outputsCache?: Record<string, unknown>;
  /** Expressions see the decision's clock and ids, never the wall clock or a random source. */
  private readonly render: RenderOptions;

  constructor(private readonly input: DecideInput) {
    this.flow = input.flow;
    this.now = input.now;
    this.render = { ...input.render, now: () => input.now, uuid: input.newId, random: () => unitOf(input.newId()) };
    this.execution = { ...input.execution, taskRunList: [...input.execution.taskRunList] };
    // The index of the previous decision moves to this one; an execution seen for the first time is indexed once.
    const cached = runIndexes.get(input.execution);
    if (cached) runIndexes.delete(input.execution);
    this.idx = cached ?? buildRunIndex(this.execution.taskRunList);
    this.tasksById = tasksByIdOf(this.flow);
  }

  run(): Decision {
    const event = this.input.event;
    const before = this.execution.state.current;
    if (isTerminated(before) && event.type === 'start' && this.input.execution.version === 0) {
      // Created ended (a Schedule whose conditions cannot be evaluated): it is stored as it came.
      this.actions.push({ type: 'ended' });
      return this.result();
    }
    if (isTerminated(before) && event.type !== 'restart' && event.type !== 'changeTaskRunState' && event.type !== 'setLabels') {
      return this.result(); // late events for an ended execution change nothing
    }
    try {
      this.apply(event);
      if (hasSla(this.flow, 'EXECUTION_ASSERTION')) this.checkAssertions();
      const state = this.execution.state.current;
      if (state === 'RUNNING' || state === 'PAUSED') this.advance();
    } catch (error) {
      // A flow the engine cannot resolve fails loudly instead of retrying the same event forever.
      this.log('ERROR', `the execution cannot go on: ${errorMessage(error)}`);
      this.kill('FAILED');
    }
    return this.result();
  }

  private result(): Decision {
    const changed = this.execution.state !== this.input.execution.state || this.execution.labels !== this.input.execution.labels;
    if (this.changed.size > 0 || changed || this.actions.length > 0) {
      this.execution = { ...this.execution, version: this.input.execution.version + 1 };
    }
    runIndexes.set(this.execution, this.idx);
    return { execution: this.execution, changedTaskRuns: [...this.changed.values()], actions: this.actions };
  }

  // ---- events -------------------------------------------------------------------------------

  private apply(event: ExecutionEvent): void {
    if (event.type === 'restart' || event.type === 'changeTaskRunState') {
      // Ended runs may change state again: what the caches know about progress no longer holds.
      this.idx.prefix.clear();
      this.idx.loops.clear();
    }
    switch (event.type) {
      case 'start':
        // A replay arrives with the task runs it keeps from the original execution: they are written with it.
        if (this.execution.state.current === 'CREATED') {
          for (const run of this.execution.taskRunList) this.changed.set(run.id, run);
          for (const deadline of slaDeadlines(this.flow, this.execution)) this.actions.push({ type: 'schedule', ...deadline });
        }
        if (this.execution.state.current === 'CREATED' || this.execution.state.current === 'QUEUED') this.start();
        return;
      case 'taskStarted': {
        const run = this.redeliveredAttempt(event.taskRunId, event.attempt, event.workerId);
        if (!run || isTerminated(run.state.current) || run.attempts.length !== event.attempt) return;
        const attempt = run.attempts[event.attempt - 1]!;
        if (attempt.state.current === 'CREATED') {
          this.updateAttempt(run, event.attempt, { ...attempt, state: withState(attempt.state, 'RUNNING', this.now), workerId: event.workerId }, 'RUNNING');
        } else if (attempt.workerId !== event.workerId) {
          // The job went to another worker (the first one stopped renewing its lease): show who runs it now.
          this.updateAttempt(run, event.attempt, { ...attempt, workerId: event.workerId }, run.state.current);
        }
        return;
      }
      case 'taskResult':
        this.applyTaskResult(event);
        return;
      case 'kill':
        this.kill();
        return;
      case 'resume':
        this.resume(event.taskRunId, event.inputs);
        return;
      case 'timer':
        if (event.kind === 'sla') this.slaDeadline(event.slaId);
        else this.applyTimer(event.kind, event.taskRunId, event.attempt);
        return;
      case 'subflowStarted': {
        const run = this.idx.byId.get(event.taskRunId);
        if (!run || isTerminated(run.state.current)) return;
        const task = this.taskOf(run);
        const outputs = { ...(run.outputs ?? {}), executionId: event.childExecutionId };
        if (task && task.wait === false) {
          this.endSubflowRun({ ...run, outputs }, task, 'SUCCESS');
        } else {
          this.replace({ ...run, outputs });
        }
        return;
      }
      case 'subflowEnded':
        this.applySubflowEnded(event);
        return;
      case 'changeTaskRunState': {
        const run = this.idx.byId.get(event.taskRunId);
        if (!run) return;
        this.finishRun(run, event.state);
        if (isTerminated(this.execution.state.current)) this.setExecutionState('RUNNING');
        return;
      }
      case 'restart':
        this.restart();
        return;
      case 'setLabels': {
        const system = this.execution.labels.filter((l) => l.key.startsWith('system.'));
        this.execution = { ...this.execution, labels: mergeLabelLists(system, event.labels.filter((l) => !l.key.startsWith('system.'))) };
        return;
      }
    }
  }

  /** Starts the execution, unless the flow's concurrency limit holds it back (QUEUE), cancels or fails it. */
  private start(): void {
    const limit = this.flow.concurrency;
    if (limit && (this.input.runningOfFlow ?? 0) >= limit.limit) {
      switch (limit.behavior) {
        case 'CANCEL':
          this.endExecution('CANCELLED');
          return;
        case 'FAIL':
          this.endExecution('FAILED');
          return;
        default:
          // Queued executions ask again shortly; a slot frees when another execution of the flow ends.
          this.setExecutionState('QUEUED');
          this.actions.push({ type: 'schedule', at: new Date(this.now.getTime() + QUEUED_RECHECK_MS).toISOString(), event: { type: 'start' } });
          return;
      }
    }
    this.setExecutionState('RUNNING');
    if (this.flow.timeout) {
      this.actions.push({ type: 'schedule', at: this.after(this.flow.timeout), event: { type: 'timer', kind: 'executionTimeout' } });
    }
  }

  /**
   * A worker runs a job that was handed out again (its previous worker died) as the next attempt: the attempts
   * it replaces end KILLED and the new one is recorded, as Kestra does when it resubmits a dead worker's task.
   */
  private redeliveredAttempt(taskRunId: string, attempt: number, workerId: string | undefined): TaskRun | undefined {
    const run = this.idx.byId.get(taskRunId);
    if (!run || isTerminated(run.state.current) || run.state.current === 'RETRYING' || attempt <= run.attempts.length || run.attempts.length === 0) return run;
    const attempts = run.attempts.map((a) => (isTerminated(a.state.current) ? a : { ...a, state: withState(a.state, 'KILLED', this.now) }));
    while (attempts.length < attempt - 1) attempts.push({ state: withState(newState(this.now), 'KILLED', this.now) });
    attempts.push({ state: withState(newState(this.now), 'RUNNING', this.now), workerId });
    this.log('WARN', `attempt ${attempt} runs on worker ${workerId ?? 'unknown'}: the worker of the previous attempt stopped renewing its lease`, run);
    return this.replace({ ...run, attempts, state: run.state.current === 'RUNNING' ? run.state : withState(run.state, 'RUNNING', this.now) });
  }

  private applyTaskResult(event: TaskResultEvent): void {
    const run = this.redeliveredAttempt(event.taskRunId, event.attempt, event.workerId);
    // A result for an attempt already recorded (a redelivered job) or for a killed run changes nothing.
    if (!run || isTerminated(run.state.current) || run.attempts.length !== event.attempt) return;
    const attempt = run.attempts[event.attempt - 1]!;
    if (isTerminated(attempt.state.current)) return;
    const task = this.taskOf(run);
    let attemptState = attempt.state.current === 'CREATED' ? withState(attempt.state, 'RUNNING', this.now) : attempt.state;
    attemptState = withState(attemptState, event.state, this.now);
    const recorded: TaskRunAttempt = { ...attempt, state: attemptState, workerId: event.workerId ?? attempt.workerId };
    if (event.metrics?.length) recorded.metrics = event.metrics;
    const attempts = [...run.attempts];
    attempts[event.attempt - 1] = recorded;
    const next: TaskRun = { ...run, attempts, outputs: event.outputs ?? run.outputs };
    if (event.labels?.length) this.mergeLabels(event.labels);
    if (event.children?.length) this.recordChildren(next, event);

    if (event.state === 'FAILED' && task && this.retryLater(next, task, event.attempt)) return;
    if (task && flowableKind(task.type) === 'Subflow') {
      // The child could not start: the Subflow task ends as its child would have.
      this.endSubflowRun(next, task, event.state);
      return;
    }
    if (task && flowableKind(task.type) === 'WorkingDirectory') {
      // The children ran on the worker; the WorkingDirectory's own errors and finally are resolved by the executor.
      this.replace({ ...next, flowable: { ...(next.flowable ?? {}), jobState: event.state } });
      return;
    }
    let final: StateType = event.state;
    if (final === 'SUCCESS' && event.attempt > 1 && task && this.retryPolicy(task, run)?.warningOnRetry) final = 'WARNING';
    this.finishRun(next, final);
  }

  /** Creates the task runs of the children a WorkingDirectory ran on its worker. */
  private recordChildren(parent: TaskRun, event: TaskResultEvent): void {
    for (const child of event.children ?? []) {
      const state = { ...newState(new Date(child.startDate)) };
      const running = withState(state, 'RUNNING', new Date(child.startDate));
      const ended = withState(running, child.state, new Date(child.endDate));
      const run: TaskRun = {
        id: this.input.newId(),
        executionId: this.execution.id,
        namespace: this.execution.namespace,
        flowId: this.execution.flowId,
        taskId: child.taskId,
        parentTaskRunId: parent.id,
        value: parent.value,
        iteration: parent.iteration,
        attempts: [{ state: ended }],
        outputs: child.outputs,
        state: ended,
      };
      this.add(run);
    }
  }

  private applySubflowEnded(event: SubflowEndedEvent): void {
    const run = this.idx.byId.get(event.taskRunId);
    if (!run || isTerminated(run.state.current)) return;
    const task = this.taskOf(run);
    if (!task) return;
    const outputs: Record<string, unknown> = { ...(run.outputs ?? {}), executionId: event.childExecutionId, state: event.state };
    let state: StateType = 'SUCCESS';
    if (event.state === 'KILLED') state = 'KILLED';
    else if (isFailed(event.state)) state = task.transmitFailed === false ? 'SUCCESS' : 'FAILED';
    else if (event.state === 'WARNING') state = 'WARNING';
    if (task.outputs && typeof task.outputs === 'object') {
      try {
        const childVars = { ...this.variablesFor(task, run), outputs: event.taskOutputs ?? {} };
        outputs.outputs = renderValue(task.outputs as Record<string, unknown>, childVars, this.render);
      } catch (error) {
        state = 'FAILED';
        this.log('ERROR', `the outputs of subflow task ${task.id} cannot be rendered: ${errorMessage(error)}`, run);
      }
    }
    if (event.flowOutputs) outputs.outputs = { ...(outputs.outputs as object | undefined), ...event.flowOutputs };
    if (state === 'FAILED' && this.retryLater({ ...run, outputs }, task, run.attempts.length)) return;
    this.endSubflowRun({ ...run, outputs }, task, state);
  }

  /** A new attempt of a Subflow run starts a new child execution; the failed child stays as it ended. */
  private restartSubflow(run: TaskRun, task: Task): void {
    const { executionId: _previous, ...outputs } = run.outputs ?? {};
    const { jobState: _ended, ...flowable } = run.flowable ?? {};
    const retried = this.replace({
      ...run,
      outputs,
      flowable,
      attempts: [...run.attempts, { state: withState(newState(this.now), 'RUNNING', this.now) }],
      state: withState(run.state, 'RUNNING', this.now),
    });
    this.startSubflow(retried, task);
  }

  /** A Subflow run whose child ended (or started, without wait): its own errors and finally run before it ends. */
  private endSubflowRun(run: TaskRun, task: Task, state: StateType): void {
    if (state === 'KILLED' || (tasksOf(task.errors).length === 0 && tasksOf(task.finally).length === 0)) {
      this.finishRun(run, state);
      return;
    }
    const attempts = run.attempts.map((a, i) => (i === run.attempts.length - 1 && !isTerminated(a.state.current) ? { ...a, state: withState(a.state, stateForAttempt(state), this.now) } : a));
    this.replace({ ...run, attempts, flowable: { ...(run.flowable ?? {}), jobState: state } });
  }

  /**
   * Puts a failed run in RETRYING with a timer for its next attempt when its retry policy allows one; false
   * when it does not (the run then ends FAILED).
   */
  private retryLater(run: TaskRun, task: Task, failedAttempt: number): boolean {
    const retry = this.retryPolicy(task, run);
    if (retry?.behavior === 'CREATE_NEW_EXECUTION') return this.retryInNewExecution(run, retry);
    const delay = retry ? nextRetryDelay(retry, failedAttempt, Date.parse(run.state.startDate), this.now.getTime()) : undefined;
    if (delay === undefined) return false;
    const attempts = run.attempts.map((a, i) => (i === run.attempts.length - 1 && !isTerminated(a.state.current) ? { ...a, state: withState(a.state, 'FAILED', this.now) } : a));
    this.replace({ ...run, attempts, state: withState(run.state, 'RETRYING', this.now) });
    this.actions.push({
      type: 'schedule',
      at: new Date(this.now.getTime() + delay).toISOString(),
      event: { type: 'timer', kind: 'retry', taskRunId: run.id, attempt: failedAttempt },
    });
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

  private applyTimer(kind: string, taskRunId?: string, attemptNumber?: number): void {
    const run = taskRunId ? this.idx.byId.get(taskRunId) : undefined;
    switch (kind) {
      case 'retry': {
        if (!run || run.state.current !== 'RETRYING' || run.attempts.length !== attemptNumber) return;
        const task = this.taskOf(run);
        if (!task) return;
        if (flowableKind(task.type) === 'Subflow') {
          this.restartSubflow(run, task);
          return;
        }
        this.dispatch({ ...run, state: withState(run.state, 'RUNNING', this.now) }, task);
        return;
      }
      case 'pauseDelay':
        if (run?.state.current === 'PAUSED') this.pauseDurationReached(run);
        return;
      case 'pauseTimeout':
        if (run?.state.current === 'PAUSED') {
          this.finishRun(run, 'FAILED');
          this.refreshPausedState();
        }
        return;
      case 'executionTimeout':
        this.kill('FAILED');
        return;
    }
  }

  // ---- SLAs ---------------------------------------------------------------------------------

  /** A MAX_DURATION deadline came: the SLA it names is violated unless the execution ended (or restarted) since. */
  private slaDeadline(slaId: string | undefined): void {
    const violation = maxDurationViolation(this.flow, this.execution, slaId, this.now);
    if (violation) this.slaViolated([violation]);
  }

  /** EXECUTION_ASSERTION SLAs are checked on each change of a running execution, before it goes on. */
  private checkAssertions(): void {
    const state = this.execution.state.current;
    if (state !== 'RUNNING' && state !== 'PAUSED') return;
    const vars = runVariables({ flow: this.flow, execution: this.execution, outputs: this.outputs(), envs: this.input.envs });
    const { violations, errors } = assertionViolations(this.flow, (assertion) => isTruthy(renderTemplate(assertion, vars, this.render)));
    for (const { sla, error } of errors) this.log('ERROR', `SLA '${sla.id}' is ignored: its assertion cannot be evaluated: ${errorMessage(error)}`);
    if (violations.length > 0) this.slaViolated(violations);
  }

  /**
   * Each violation is logged; the first one acts, as in Kestra: its labels are added, then FAIL or CANCEL ends the
   * execution (running task runs are killed) while NONE lets it go on.
   */
  private slaViolated(violations: SlaViolation[]): void {
    for (const { sla, reason } of violations) this.log('WARN', `SLA '${sla.id}' violated: ${reason}`);
    const { sla, reason } = violations[0]!;
    if (sla.labels.length > 0 && !hasLabels(this.execution.labels, sla.labels)) this.mergeLabels(sla.labels);
    if (sla.behavior === 'FAIL') {
      this.log('ERROR', `the execution fails because SLA '${sla.id}' is violated: ${reason}`);
      this.kill('FAILED');
    } else if (sla.behavior === 'CANCEL') {
      this.log('WARN', `the execution is cancelled because SLA '${sla.id}' is violated: ${reason}`);
      this.kill('CANCELLED');
    }
  }

  private kill(finalState: StateType = 'KILLED'): void {
    this.killRunning();
    this.endExecution(finalState);
  }

  /** Ends every unended run KILLED and asks the workers to stop their jobs. */
  private killRunning(): void {
    const running: string[] = [];
    for (const run of this.execution.taskRunList) {
      if (isTerminated(run.state.current)) continue;
      running.push(run.id);
      const attempts = run.attempts.map((a) => (isTerminated(a.state.current) ? a : { ...a, state: withState(a.state, 'KILLED', this.now) }));
      this.replace({ ...run, attempts, state: withState(run.state, 'KILLED', this.now) });
    }
    if (running.length > 0) this.actions.push({ type: 'killJobs', taskRunIds: running });
  }

  private resume(taskRunId?: string, inputs?: Record<string, unknown>): void {
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

  /**
   * A Pause whose duration ran out (not resumed before): its `behavior` says what follows, as in Kestra. RESUME goes
   * on; WARN goes on and ends the Pause WARNING; FAIL fails the Pause; CANCEL cancels the execution.
   */
  private pauseDurationReached(run: TaskRun): void {
    const task = this.taskOf(run);
    const behavior = String((task && this.evaluate(task.behavior, task, run)) ?? 'RESUME').toUpperCase();
    switch (behavior) {
      case 'FAIL':
        this.finishRun(run, 'FAILED');
        this.refreshPausedState();
        return;
      case 'CANCEL':
        this.finishRun(run, 'CANCELLED');
        this.kill('CANCELLED');
        return;
      case 'WARN': {
        this.resume(run.id);
        const resumed = this.idx.byId.get(run.id) ?? run;
        this.replace({ ...resumed, flowable: { ...(resumed.flowable ?? {}), endsWarning: true } });
        return;
      }
      default:
        this.resume(run.id);
    }
  }

  private restart(): void {
    const failed = this.execution.taskRunList.filter((r) => isFailed(r.state.current));
    if (failed.length === 0) return;
    for (const run of failed) {
      const task = this.taskOf(run);
      if (!task) continue;
      if (flowableKind(task.type) === 'Subflow') {
        this.restartSubflow(run, task);
      } else if (flowableKind(task.type) && flowableKind(task.type) !== 'WorkingDirectory') {
        this.replace({ ...run, state: withState(run.state, 'RUNNING', this.now) });
      } else {
        this.dispatch({ ...run, state: withState(run.state, 'RUNNING', this.now) }, task);
      }
    }
    this.setExecutionState('RESTARTED');
    this.setExecutionState('RUNNING');
  }

  // ---- resolution of the task tree ------------------------------------------------------------

  private advance(): void {
    const status = this.resolveScope({ tasks: this.flow.tasks, errors: this.flow.errors, finally: this.flow.finally }, 'sequential');
    // afterExecution tasks run once everything else ended; they do not change the execution's state.
    const after = status.done && this.flow.afterExecution?.length ? this.resolveList({ tasks: [], errors: [], finally: [] }, enabled(tasksOf(this.flow.afterExecution)), 'sequential') : undefined;
    if (status.done && (!after || after.done)) {
      this.endExecution(status.state);
    } else {
      this.refreshPausedState();
    }
  }

  /**
   * Drives one list of tasks (with its errors and finally branches) and reports whether it ended.
   * `concurrency` 0 means unlimited, 1 sequential.
   */
  private resolveScope(scope: Scope, mode: 'sequential' | { concurrency: number }): ScopeStatus {
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
  private resolveList(scope: Scope, tasks: Task[], mode: 'sequential' | { concurrency: number }): ScopeStatus {
    const limit = mode === 'sequential' ? 1 : mode.concurrency <= 0 ? Infinity : mode.concurrency;
    // Sequential lists remember how many leading tasks ended well, so each event resumes where the list stands.
    const prefixKey = limit === 1 && tasks.length > 0 ? `${scope.parent?.id ?? ''}\u0000${scope.value ?? ''}\u0000${tasks[0]!.id}` : undefined;
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
        if ((limit === 1 ? failed : failedBefore) || active + failedOnCreation >= limit) {
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

  /** Advances a non-terminal run: flowables resolve their children; runnables wait for their worker. */
  private drive(run: TaskRun, task: Task): TaskRun {
    const kind = flowableKind(task.type);
    if (!kind || run.state.current === 'PAUSED' || run.state.current === 'RETRYING') return this.idx.byId.get(run.id) ?? run;
    const status = this.resolveFlowable(kind, run, task);
    if (status.done) {
      const current = this.idx.byId.get(run.id) ?? run;
      return this.finishRun(current, this.adjustFlowableState(kind, status.state, current));
    }
    return this.idx.byId.get(run.id) ?? run;
  }

  private adjustFlowableState(kind: FlowableKind, state: StateType, run: TaskRun): StateType {
    if (kind === 'AllowFailure' && state === 'FAILED') return 'WARNING';
    // A Pause with behavior WARN whose duration ran out ends WARNING when its (deprecated) children succeeded.
    if (kind === 'Pause' && state === 'SUCCESS' && run.flowable?.endsWarning === true) return 'WARNING';
    return state;
  }

  private resolveFlowable(kind: FlowableKind, run: TaskRun, task: Task): ScopeStatus {
    const local = { errors: tasksOf(task.errors), finally: tasksOf(task.finally), parent: run, value: run.value, iteration: run.iteration };
    switch (kind) {
      case 'Sequential':
      case 'AllowFailure':
        return this.resolveScope({ ...local, tasks: tasksOf(task.tasks) }, 'sequential');
      case 'Parallel':
        return this.resolveScope({ ...local, tasks: tasksOf(task.tasks) }, { concurrency: numberOr(task.concurrent, 0) });
      case 'Pause':
        // Children of a (deprecated) Pause run once it is resumed.
        return this.resolveScope({ ...local, tasks: tasksOf(task.tasks) }, 'sequential');
      case 'Switch':
      case 'If': {
        const branch = run.flowable?.branch as string | undefined;
        return this.resolveScope({ ...local, tasks: this.branchTasks(kind, task, branch) }, 'sequential');
      }
      case 'ForEach':
      case 'EachSequential':
      case 'EachParallel':
        return this.resolveLoop(kind, run, task, local);
      case 'Dag':
        return this.resolveDag(task, local);
      case 'WorkingDirectory':
      case 'Subflow': {
        // The work ran elsewhere (a worker, a child execution); its end state is recorded as jobState.
        const jobState = run.flowable?.jobState as StateType | undefined;
        return jobState ? this.endWithLocalBranches(local, jobState) : RUNNING;
      }
    }
  }

  /** A scope whose main work already ended with `state` runs its errors (on failure) and finally. */
  private endWithLocalBranches(local: Omit<Scope, 'tasks'>, state: StateType): ScopeStatus {
    if (isFailed(state) && local.errors.length > 0) {
      const errors = this.resolveList({ ...local, tasks: [] }, enabled(local.errors), 'sequential');
      if (!errors.done) return RUNNING;
    }
    if (local.finally.length > 0) {
      const fin = this.resolveList({ ...local, tasks: [] }, enabled(local.finally), 'sequential');
      if (!fin.done) return RUNNING;
    }
    return { done: true, state };
  }

  private branchTasks(kind: 'Switch' | 'If', task: Task, branch: string | undefined): Task[] {
    if (kind === 'If') return branch === 'then' ? tasksOf(task.then) : branch === 'else' ? tasksOf(task.else) : [];
    if (branch === undefined) return [];
    if (branch === DEFAULTS_BRANCH) return tasksOf(task.defaults);
    const cases = (task.cases ?? {}) as Record<string, unknown>;
    return tasksOf(cases[branch]);
  }

  private resolveLoop(kind: FlowableKind, run: TaskRun, task: Task, local: Omit<Scope, 'tasks'>): ScopeStatus {
    const values = (run.flowable?.values as string[] | undefined) ?? [];
    const concurrency =
      kind === 'EachSequential' ? 1 : kind === 'EachParallel' ? numberOr(task.concurrent, 0) : numberOr(task.concurrencyLimit, 1);
    const limit = concurrency <= 0 ? Infinity : concurrency;
    const children = enabled(tasksOf(task.tasks));
    const scopeOf = (i: number): Scope => ({ parent: run, value: values[i], iteration: i, tasks: children, errors: [], finally: [] });
    // Iterations start in order; only those started and not ended are looked at, so an event costs its iteration.
    let progress = this.idx.loops.get(run.id);
    if (!progress) {
      let next = 0;
      while (next < values.length && children.some((child) => this.findRun(child.id, scopeOf(next)))) next++;
      progress = { next, open: Array.from({ length: next }, (_, i) => i), warning: false };
      this.idx.loops.set(run.id, progress);
    }
    const record = (status: ScopeStatus): boolean => {
      if (!status.done) return false;
      if (isFailed(status.state)) progress.failed ??= status.state;
      if (status.state === 'WARNING') progress.warning = true;
      return true;
    };
    progress.open = progress.open.filter((i) => !record(this.resolveList(scopeOf(i), children, 'sequential')));
    // Iterations started together all start, even when one fails at once (an If whose condition cannot render):
    // only a failure known before this pass stops new ones.
    const failedBefore = progress.failed;
    let failedNow = 0;
    while (!failedBefore && progress.open.length + failedNow < limit && progress.next < values.length) {
      const i = progress.next++;
      const status = this.resolveList(scopeOf(i), children, 'sequential');
      if (!status.done) progress.open.push(i);
      else if (record(status) && isFailed(status.state)) failedNow++;
    }
    if (progress.open.length > 0 || (!progress.failed && progress.next < values.length)) return RUNNING;
    return this.endWithLocalBranches(local, progress.failed ?? (progress.warning ? 'WARNING' : 'SUCCESS'));
  }

  private resolveDag(task: Task, local: Omit<Scope, 'tasks'>): ScopeStatus {
    const nodes = (Array.isArray(task.tasks) ? task.tasks : []) as { task: Task; dependsOn?: string[] }[];
    const limit = numberOr(task.concurrent, 0) <= 0 ? Infinity : numberOr(task.concurrent, 0);
    const scope: Scope = { ...local, tasks: [] };
    const ended = (id: string) => {
      const state = this.findRun(id, scope)?.state.current;
      return state !== undefined && isTerminated(state) && !isFailed(state);
    };
    // A node that ends as soon as it is created (SKIPPED, an empty flowable) can unblock others: pass again.
    for (let pass = 0; pass <= nodes.length; pass++) {
      let active = 0;
      let failed: StateType | undefined;
      let warning = false;
      let waiting = false;
      let created = false;
      for (const node of nodes) {
        if (node.task.disabled) continue;
        let child = this.findRun(node.task.id, scope);
        if (!child) {
          if (failed || active >= limit || !(node.dependsOn ?? []).every(ended)) {
            waiting = true;
            continue;
          }
          child = this.createRun(node.task, scope);
          created = true;
        }
        if (!isTerminated(child.state.current)) child = this.drive(child, node.task);
        const state = child.state.current;
        if (!isTerminated(state)) active++;
        else if (isFailed(state)) failed ??= state;
        else if (state === 'WARNING') warning = true;
      }
      if (active > 0) return RUNNING;
      if (failed) return this.endWithLocalBranches(local, failed);
      if (!waiting) return this.endWithLocalBranches(local, warning ? 'WARNING' : 'SUCCESS');
      if (!created) throw new Error(`Dag ${task.id} has tasks whose dependencies can never be met`);
    }
    return RUNNING;
  }

  // ---- task runs ----------------------------------------------------------------------------

  private createRun(rawTask: Task, scope: Scope): TaskRun {
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

    const kind = flowableKind(task.type);
    if (!kind || kind === 'WorkingDirectory') {
      return this.dispatch(run, task);
    }
    run = this.replace({ ...run, state: withState(run.state, 'RUNNING', this.now), attempts: [{ state: withState(newState(this.now), 'RUNNING', this.now) }] });
    try {
      switch (kind) {
        case 'ForEach':
        case 'EachSequential':
        case 'EachParallel': {
          const raw = kind === 'ForEach' ? task.values : task.value;
          const values = loopValues(raw, (template) => evaluateExpression(template, this.variablesFor(task, run), this.render));
          run = this.replace({ ...run, flowable: { values } });
          break;
        }
        case 'Switch': {
          const value = stringify(this.evaluate(task.value ?? '', task, run));
          const cases = (task.cases ?? {}) as Record<string, unknown>;
          const matched = Object.prototype.hasOwnProperty.call(cases, value);
          run = this.replace({ ...run, flowable: { branch: matched ? value : DEFAULTS_BRANCH }, outputs: { value, defaults: !matched } });
          // A value no case names, with nothing to run by default, is a failure: ending SUCCESS would hide it.
          if (!matched && tasksOf(task.defaults).length === 0) throw new Error(`Switch ${task.id}: no case matches the value '${value}' and there are no defaults`);
          break;
        }
        case 'If': {
          const evaluationResult = isTruthy(this.evaluate(task.condition ?? '', task, run));
          run = this.replace({ ...run, flowable: { branch: evaluationResult ? 'then' : 'else' }, outputs: { evaluationResult } });
          break;
        }
        case 'Subflow':
          this.startSubflow(run, task);
          break;
        case 'Pause':
          run = this.pause(run, task);
          break;
        default:
          break;
      }
    } catch (error) {
      return this.failRun(run, error);
    }
    return run;
  }

  private pause(run: TaskRun, task: Task): TaskRun {
    // delay and timeout may be expressions (e.g. a DURATION input): rendered before the pause starts.
    const delay = this.evaluate(task.delay ?? task.pauseDuration, task, run);
    const timeout = this.evaluate(task.timeout, task, run);
    const delayAt = typeof delay === 'string' && delay ? this.after(delay) : undefined;
    const timeoutAt = delayAt === undefined && typeof timeout === 'string' && timeout ? this.after(timeout) : undefined;
    const paused = this.replace({ ...run, state: withState(run.state, 'PAUSED', this.now) });
    if (delayAt) {
      this.actions.push({ type: 'schedule', at: delayAt, event: { type: 'timer', kind: 'pauseDelay', taskRunId: run.id } });
    } else if (timeoutAt) {
      this.actions.push({ type: 'schedule', at: timeoutAt, event: { type: 'timer', kind: 'pauseTimeout', taskRunId: run.id } });
    }
    return paused;
  }

  private startSubflow(run: TaskRun, task: Task): void {
    const vars = this.variablesFor(task, run);
    const inputs = renderValue((task.inputs ?? {}) as Record<string, unknown>, vars, this.render);
    const ownLabels = toLabels(renderValue(task.labels ?? [], vars, this.render));
    const inherited = task.inheritLabels === true ? this.execution.labels.filter((l) => !l.key.startsWith('system.')) : [];
    const correlation = this.execution.labels.find((l) => l.key === 'system.correlationId')?.value ?? this.execution.id;
    const labels = mergeLabelLists(mergeLabelLists(inherited, ownLabels), [{ key: 'system.correlationId', value: correlation }]);
    this.actions.push({
      type: 'startSubflow',
      request: {
        parentExecutionId: this.execution.id,
        parentTaskRunId: run.id,
        attempt: Math.max(1, run.attempts.length),
        namespace: renderTemplate(String(task.namespace), vars, this.render),
        flowId: renderTemplate(String(task.flowId), vars, this.render),
        revision: typeof task.revision === 'number' ? task.revision : undefined,
        inputs,
        labels,
        wait: task.wait !== false,
        transmitFailed: task.transmitFailed !== false,
        triggerVariables: {
          executionId: this.execution.id,
          namespace: this.execution.namespace,
          flowId: this.execution.flowId,
          flowRevision: this.execution.flowRevision,
        },
      },
    });
  }

  /** Sends a runnable (or WorkingDirectory) to the workers as a new attempt. */
  private dispatch(run: TaskRun, task: Task): TaskRun {
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
      if (groups && 'unsupported' in groups) return this.failRun(run, new Error(`cannot run the task on worker group '${group.key}': ${groups.unsupported}`));
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

  private failRun(run: TaskRun, error: unknown): TaskRun {
    const attempts = run.attempts.length > 0 ? run.attempts : [{ state: newState(this.now) }];
    const last = attempts[attempts.length - 1]!;
    const failedAttempts = [...attempts.slice(0, -1), { ...last, state: withState(last.state, 'FAILED', this.now) }];
    this.log('ERROR', errorMessage(error), run);
    return this.finishRun({ ...run, attempts: failedAttempts }, 'FAILED');
  }

  /** Ends a run in `state`, applying allowFailure and allowWarning. */
  private finishRun(run: TaskRun, state: StateType): TaskRun {
    const task = this.taskOf(run);
    let final = state;
    if (final === 'FAILED' && task?.allowFailure === true) final = 'WARNING';
    if (final === 'WARNING' && task?.allowWarning === true) final = 'SUCCESS';
    const attempts = run.attempts.map((a, i) =>
      i === run.attempts.length - 1 && !isTerminated(a.state.current) ? { ...a, state: withState(a.state, final === 'SKIPPED' ? 'SKIPPED' : stateForAttempt(state), this.now) } : a,
    );
    if (run.state.current === 'CREATED' && final !== 'SKIPPED') run = { ...run, state: withState(run.state, 'RUNNING', this.now) };
    return this.replace({ ...run, attempts, state: withState(run.state, final, this.now) });
  }

  private updateAttempt(run: TaskRun, attemptNumber: number, attempt: TaskRunAttempt, runState: StateType): void {
    const attempts = [...run.attempts];
    attempts[attemptNumber - 1] = attempt;
    const state = run.state.current === runState ? run.state : withState(run.state, runState, this.now);
    this.replace({ ...run, attempts, state });
  }

  // ---- execution ----------------------------------------------------------------------------

  private endExecution(state: StateType): void {
    let final = state;
    if (final !== 'KILLED' && final !== 'CANCELLED') {
      try {
        const outputs = this.flowOutputs();
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

  private flowOutputs(): Record<string, unknown> | undefined {
    if (this.flow.outputs.length === 0) return undefined;
    const vars = runVariables({ flow: this.flow, execution: this.execution, outputs: this.outputs(), envs: this.input.envs });
    const result: Record<string, unknown> = {};
    for (const output of this.flow.outputs) {
      const value = renderValue(output.value, vars, this.render);
      result[output.id] = convertOutput(output.type, value);
    }
    return result;
  }

  private refreshPausedState(): void {
    const anyPaused = this.execution.taskRunList.some((r) => r.state.current === 'PAUSED');
    const current = this.execution.state.current;
    if (anyPaused && current === 'RUNNING') this.setExecutionState('PAUSED');
    if (!anyPaused && current === 'PAUSED') this.setExecutionState('RUNNING');
  }

  private log(level: 'INFO' | 'WARN' | 'ERROR', message: string, run?: TaskRun): void {
    this.actions.push({ type: 'log', level, message, taskRunId: run?.id, taskId: run?.taskId });
  }

  private setExecutionState(state: StateType): void {
    if (this.execution.state.current === state) return;
    this.execution = { ...this.execution, state: withState(this.execution.state, state, this.now) };
  }

  private mergeLabels(labels: Label[]): void {
    this.execution = { ...this.execution, labels: mergeLabelLists(this.execution.labels, labels) };
  }

  // ---- lookups ------------------------------------------------------------------------------

  /** A property that may be a template: rendered to a typed value when it is one, taken as written otherwise. */
  private evaluate(value: unknown, task: Task, run: TaskRun): unknown {
    return typeof value === 'string' && isTemplate(value) ? evaluateExpression(value, this.variablesFor(task, run), this.render) : value;
  }

  private variablesFor(task: Task, run: TaskRun): Record<string, unknown> {
    return runVariables({ flow: this.flow, execution: this.execution, task, taskRun: run, outputs: this.outputs(), runsById: this.idx.byId, envs: this.input.envs });
  }

  private outputs(): Record<string, unknown> {
    return (this.outputsCache ??= outputsVariable(this.execution));
  }

  private retryPolicy(task: Task, run: TaskRun): RetryPolicy | undefined {
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

  private taskOf(run: TaskRun): Task | undefined {
    return this.tasksById.get(run.taskId);
  }

  private findRun(taskId: string, scope: Scope): TaskRun | undefined {
    return this.idx.byKey.get(runKey(taskId, scope.parent?.id, scope.value));
  }

  private add(run: TaskRun): void {
    this.idx.position.set(run.id, this.execution.taskRunList.length);
    this.execution.taskRunList.push(run);
    indexRun(this.idx, run);
    this.changed.set(run.id, run);
    this.outputsCache = undefined;
  }

  private replace(run: TaskRun): TaskRun {
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

  private after(duration: string): string {
    return new Date(this.now.getTime() + parseDuration(duration)).toISOString();
  }
}

function runKey(taskId: string, parentId: string | undefined, value: string | undefined): string {
  return `${taskId}\u0000${parentId ?? ''}\u0000${value ?? ''}`;
}

/** Lookups over one execution's task runs, kept from one decision to the next so that an event costs what it touches. */
interface RunIndex {
  byKey: Map<string, TaskRun>;
  byId: Map<string, TaskRun>;
  position: Map<string, number>;
  /** Sequential lists: how many leading tasks ended without failure, and whether one of them warned. */
  prefix: Map<string, { count: number; warning: boolean }>;
  /** Loops: the next iteration to start, the iterations running, and how the ended ones went. */
  loops: Map<string, { next: number; open: number[]; failed?: StateType; warning: boolean }>;
}

/** Each index belongs to the execution object the last decision returned; deciding on it again rebuilds one. */
const runIndexes = new WeakMap<Execution, RunIndex>();

function buildRunIndex(runs: TaskRun[]): RunIndex {
  const index: RunIndex = { byKey: new Map(), byId: new Map(), position: new Map(), prefix: new Map(), loops: new Map() };
  runs.forEach((run, at) => {
    index.position.set(run.id, at);
    indexRun(index, run);
  });
  return index;
}

function indexRun(index: RunIndex, run: TaskRun): void {
  index.byId.set(run.id, run);
  index.byKey.set(runKey(run.taskId, run.parentTaskRunId, run.value), run);
}

const taskIndexes = new WeakMap<Flow, Map<string, Task>>();
function tasksByIdOf(flow: Flow): Map<string, Task> {
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
    }
  };
  visit(flow.tasks);
  visit(flow.errors);
  visit(flow.finally);
  visit(flow.afterExecution);
}

/** Child task lists hold tasks directly, except Dag whose entries wrap them as `{ task, dependsOn }`. */
const taskLists = new WeakMap<unknown[], Task[]>();
function tasksOf(value: unknown): Task[] {
  if (!Array.isArray(value)) return [];
  let tasks = taskLists.get(value);
  if (!tasks) {
    tasks = value.map((item) => (item && typeof item === 'object' && 'task' in item && !('type' in item) ? (item as { task: Task }).task : (item as Task)));
    taskLists.set(value, tasks);
  }
  return tasks;
}

const enabledLists = new WeakMap<Task[], Task[]>();
function enabled(tasks: Task[]): Task[] {
  let list = enabledLists.get(tasks);
  if (!list) {
    list = tasks.filter((t) => t.disabled !== true);
    enabledLists.set(tasks, list);
  }
  return list;
}

/** A number in [0, 1) derived from an id (FNV-1a), so that `randomInt()` depends only on the injected ids. */
function unitOf(id: string): number {
  let hash = 0x811c9dc5;
  for (let i = 0; i < id.length; i++) hash = Math.imul(hash ^ id.charCodeAt(i), 0x01000193);
  return (hash >>> 0) / 0x100000000;
}

function numberOr(value: unknown, fallback: number): number {
  const n = typeof value === 'number' ? value : typeof value === 'string' && value.trim() !== '' ? Number(value) : NaN;
  return Number.isFinite(n) ? n : fallback;
}

/** Kestra's truthiness of a rendered condition. */
export function isTruthy(value: unknown): boolean {
  if (value === undefined || value === null) return false;
  if (typeof value === 'boolean') return value;
  if (typeof value === 'number') return value !== 0 && !Number.isNaN(value);
  const text = String(value).trim().toLowerCase();
  return !(text === '' || text === 'false' || text === '0' || text === '-0' || text === '0.0' || text === 'null');
}

/** ForEach values: a list, or a JSON text of a list, possibly produced by an expression. */
export function loopValues(raw: unknown, evaluate: (template: string) => unknown): string[] {
  let value: unknown = raw;
  if (typeof value === 'string') {
    value = value.includes('{{') || value.includes('{%') ? evaluate(value) : value;
    if (typeof value === 'string') {
      try {
        value = JSON.parse(value);
      } catch {
        throw new Error(`values must be a list or a JSON array, got ${JSON.stringify(value).slice(0, 200)}`);
      }
    }
  }
  if (!Array.isArray(value)) throw new Error(`values must be a list, got ${value === null ? 'null' : typeof value}`);
  // A null value has no iteration key: the loop fails rather than run it as an empty string.
  const nulls = value.filter((v) => v === null || v === undefined).length;
  if (nulls > 0) throw new Error(`Found '${nulls}' null values on Each, with values=${JSON.stringify(value)}`);
  // Equal values would share their iterations' task runs: each distinct value runs once.
  return [...new Set(value.map(stringify))];
}

function stringify(value: unknown): string {
  if (typeof value === 'string') return value;
  if (value === null || value === undefined) return '';
  if (typeof value === 'object') return JSON.stringify(value);
  return String(value);
}

function stateForAttempt(state: StateType): StateType {
  return state === 'WARNING' || state === 'SUCCESS' || state === 'FAILED' || state === 'KILLED' ? state : 'SUCCESS';
}

function toLabels(value: unknown): Label[] {
  if (Array.isArray(value)) return value.map((l) => ({ key: String((l as Label).key), value: String((l as Label).value) }));
  if (value && typeof value === 'object') return Object.entries(value).map(([key, v]) => ({ key, value: stringify(v) }));
  return [];
}

/** Later labels override earlier ones with the same key. */
export function mergeLabelLists(base: Label[], extra: Label[]): Label[] {
  const map = new Map(base.map((l) => [l.key, l.value]));
  for (const l of extra) map.set(l.key, l.value);
  return [...map].map(([key, value]) => ({ key, value }));
}

function convertOutput(type: string, value: unknown): unknown {
  switch (type?.toUpperCase()) {
    case 'STRING':
      return typeof value === 'string' ? value : JSON.stringify(value);
    case 'INT':
    case 'FLOAT': {
      const n = Number(value);
      if (!Number.isFinite(n)) throw new Error(`output of type ${type} is not a number: ${JSON.stringify(value)}`);
      return type.toUpperCase() === 'INT' ? Math.trunc(n) : n;
    }
    case 'BOOLEAN':
      return value === true || value === 'true';
    case 'JSON':
      return typeof value === 'string' ? JSON.parse(value) : value;
    default:
      return value;
  }
}

function errorMessage(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

export { labelsMap };
