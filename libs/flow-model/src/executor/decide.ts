import type { Label } from '../flow/flow.js';
import type { TaskRun, TaskRunAttempt } from '../execution/execution.js';
import { isFailed, isTerminated, newState, withState, type StateType } from '../execution/state.js';
import { renderTemplate } from '../expression/index.js';
import { DecisionContext, type DecideInput, type Decision } from './decision-context.js';
import { errorMessage } from './error-message.js';
import type { ExecutionEvent, TaskResultEvent } from './events.js';
import { flowableOf } from './flowables/index.js';
import { loopIterationDue } from './flowables/loop-until.js';
import { pauseDelayReached, pauseTimedOut } from './flowables/pause.js';
import { killChildExecutions, subflowEnded, subflowStarted } from './flowables/subflow.js';
import { forEachItemChildEnded, forEachItemChildStarted } from './flowables/for-each-item-executable.js';
import type { FlowableTask } from './flowables/flowable.js';
import { flowableKind } from './flowable-kind.js';
import type { FOR_EACH_ITEM_EXECUTABLE_TASK } from '../flow/task-types.js';
import { isTruthy } from './is-truthy.js';
import { mergeLabelLists } from './label-lists.js';
import { assertionViolations, hasLabels, hasSla, maxDurationViolation, slaDeadlines, type SlaViolation } from './sla.js';
import { enabled, tasksOf } from './task-lists.js';
import { flag } from '../flow/flag.js';

export type { DecideInput, Decision } from './decision-context.js';

/**
 * The executor's pure decision function: given a flow, the current execution and one event, returns
 * the next execution, the task runs it changed and what must happen next. No I/O, no clock, no randomness
 * beyond what the input carries.
 */
export function decide(input: DecideInput): Decision {
  return new Decider(new DecisionContext(input)).run();
}

const QUEUED_RECHECK_MS = 1000;

/** Applies one event to the execution, then resolves the task tree from the flow's top-level lists. */
class Decider {
  constructor(private readonly ctx: DecisionContext) {}

  run(): Decision {
    const ctx = this.ctx;
    const event = ctx.input.event;
    const before = ctx.execution.state.current;
    if (isTerminated(before) && event.type === 'start' && ctx.input.execution.version === 0) {
      // Created ended (a Schedule whose conditions cannot be evaluated): it is stored as it came.
      ctx.act({ type: 'ended' });
      return ctx.decision();
    }
    if (isTerminated(before) && event.type !== 'restart' && event.type !== 'changeTaskRunState' && event.type !== 'setLabels') {
      return ctx.decision(); // late events for an ended execution change nothing
    }
    try {
      this.apply(event);
      if (hasSla(ctx.flow, 'EXECUTION_ASSERTION')) this.checkAssertions();
      const state = ctx.execution.state.current;
      if (state === 'RUNNING' || state === 'PAUSED') this.advance();
    } catch (error) {
      // A flow the engine cannot resolve fails loudly instead of retrying the same event forever.
      ctx.log('ERROR', `the execution cannot go on: ${errorMessage(error)}`);
      ctx.kill('FAILED');
    }
    return ctx.decision();
  }

  // ---- events -------------------------------------------------------------------------------

  private apply(event: ExecutionEvent): void {
    const ctx = this.ctx;
    if (event.type === 'restart' || event.type === 'changeTaskRunState') {
      // Ended runs may change state again: what the caches know about progress no longer holds.
      ctx.forgetProgress();
    }
    switch (event.type) {
      case 'start':
        // A replay arrives with the task runs it keeps from the original execution: they are written with it.
        if (ctx.execution.state.current === 'CREATED') {
          for (const run of ctx.execution.taskRunList) ctx.touch(run);
          for (const deadline of slaDeadlines(ctx.flow, ctx.execution)) ctx.act({ type: 'schedule', ...deadline });
        }
        if (ctx.execution.state.current === 'CREATED' || ctx.execution.state.current === 'QUEUED') this.start();
        return;
      case 'unqueue':
        // Only a queued execution: one that started or ended meanwhile is not taken out of a queue it left.
        if (ctx.execution.state.current !== 'QUEUED') return;
        if (event.state === 'RUNNING') this.running();
        else ctx.endExecution(event.state);
        return;
      case 'taskStarted': {
        const run = this.redeliveredAttempt(event.taskRunId, event.attempt, event.workerId);
        if (!run || isTerminated(run.state.current) || run.attempts.length !== event.attempt) return;
        const attempt = run.attempts[event.attempt - 1]!;
        if (attempt.state.current === 'CREATED') {
          ctx.updateAttempt(run, event.attempt, { ...attempt, state: withState(attempt.state, 'RUNNING', ctx.now), workerId: event.workerId }, 'RUNNING');
        } else if (attempt.workerId !== event.workerId) {
          // The job went to another worker (the first one stopped renewing its lease): show who runs it now.
          ctx.updateAttempt(run, event.attempt, { ...attempt, workerId: event.workerId }, run.state.current);
        }
        return;
      }
      case 'taskResult':
        this.applyTaskResult(event);
        return;
      case 'kill':
        ctx.kill();
        if (event.cascade !== false) killChildExecutions(ctx);
        return;
      case 'resume':
        ctx.resume(event.taskRunId, event.inputs);
        return;
      case 'timer':
        if (event.kind === 'sla') this.slaDeadline(event.slaId);
        else this.applyTimer(event.kind, event.taskRunId, event.attempt);
        return;
      case 'subflowStarted': {
        const items = this.forEachItemRun(event.taskRunId);
        if (items) forEachItemChildStarted(items.run, items.task, event.childExecutionId, event.iteration, ctx);
        else subflowStarted(event.taskRunId, event.childExecutionId, ctx);
        return;
      }
      case 'subflowEnded': {
        const items = this.forEachItemRun(event.taskRunId);
        if (items) forEachItemChildEnded(event, items.run, items.task, ctx);
        else subflowEnded(event, ctx);
        return;
      }
      case 'changeTaskRunState': {
        const run = ctx.runOf(event.taskRunId);
        if (!run) return;
        ctx.finishRun(run, event.state);
        if (isTerminated(ctx.execution.state.current)) ctx.setExecutionState('RUNNING');
        return;
      }
      case 'restart':
        this.restart();
        return;
      case 'preconditionResult':
        // Addressed to a flow's precondition windows (the executor handles it there): it changes no execution.
        return;
      case 'setLabels': {
        const system = ctx.execution.labels.filter((l) => l.key.startsWith('system.'));
        ctx.setLabels(mergeLabelLists(system, event.labels.filter((l: Label) => !l.key.startsWith('system.'))));
        return;
      }
    }
  }

  /** The unended `<id>_items` run of a ForEachItem the event is for: it counts many children where a Subflow has one. */
  private forEachItemRun(taskRunId: string): { run: TaskRun; task: FlowableTask<typeof FOR_EACH_ITEM_EXECUTABLE_TASK> } | undefined {
    const run = this.ctx.runOf(taskRunId);
    const task = run && this.ctx.taskOf(run);
    if (!run || !task || isTerminated(run.state.current) || flowableKind(task.type) !== 'ForEachItemExecutable') return undefined;
    return { run, task: task as FlowableTask<typeof FOR_EACH_ITEM_EXECUTABLE_TASK> };
  }

  /** Starts the execution, unless the flow's concurrency limit holds it back (QUEUE), cancels or fails it. */
  private start(): void {
    const ctx = this.ctx;
    const limit = ctx.flow.concurrency;
    if (limit && (ctx.input.runningOfFlow ?? 0) >= limit.limit) {
      switch (limit.behavior) {
        case 'CANCEL':
          ctx.endExecution('CANCELLED');
          return;
        case 'FAIL':
          ctx.endExecution('FAILED');
          return;
        default:
          // Queued executions ask again shortly; a slot frees when another execution of the flow ends.
          ctx.setExecutionState('QUEUED');
          ctx.schedule(new Date(ctx.now.getTime() + QUEUED_RECHECK_MS).toISOString(), { type: 'start' });
          return;
      }
    }
    this.running();
  }

  private running(): void {
    const ctx = this.ctx;
    ctx.setExecutionState('RUNNING');
    if (ctx.flow.timeout) ctx.schedule(ctx.after(ctx.flow.timeout), { type: 'timer', kind: 'executionTimeout' });
  }

  /**
   * A worker runs a job that was handed out again (its previous worker died) as the next attempt: the attempts
   * it replaces end KILLED and the new one is recorded, as Kestra does when it resubmits a dead worker's task.
   */
  private redeliveredAttempt(taskRunId: string, attempt: number, workerId: string | undefined): TaskRun | undefined {
    const ctx = this.ctx;
    const run = ctx.runOf(taskRunId);
    if (!run || isTerminated(run.state.current) || run.state.current === 'RETRYING' || attempt <= run.attempts.length || run.attempts.length === 0) return run;
    const attempts = run.attempts.map((a) => (isTerminated(a.state.current) ? a : { ...a, state: withState(a.state, 'KILLED', ctx.now) }));
    while (attempts.length < attempt - 1) attempts.push({ state: withState(newState(ctx.now), 'KILLED', ctx.now) });
    attempts.push({ state: withState(newState(ctx.now), 'RUNNING', ctx.now), workerId });
    ctx.log('WARN', `attempt ${attempt} runs on worker ${workerId ?? 'unknown'}: the worker of the previous attempt stopped renewing its lease`, run);
    return ctx.replace({ ...run, attempts, state: run.state.current === 'RUNNING' ? run.state : withState(run.state, 'RUNNING', ctx.now) });
  }

  private applyTaskResult(event: TaskResultEvent): void {
    const ctx = this.ctx;
    const run = this.redeliveredAttempt(event.taskRunId, event.attempt, event.workerId);
    // A result for an attempt already recorded (a redelivered job) or for a killed run changes nothing.
    if (!run || isTerminated(run.state.current) || run.attempts.length !== event.attempt) return;
    const attempt = run.attempts[event.attempt - 1]!;
    if (isTerminated(attempt.state.current)) return;
    const task = ctx.taskOf(run);
    let attemptState = attempt.state.current === 'CREATED' ? withState(attempt.state, 'RUNNING', ctx.now) : attempt.state;
    attemptState = withState(attemptState, event.state, ctx.now);
    const recorded: TaskRunAttempt = { ...attempt, state: attemptState, workerId: event.workerId ?? attempt.workerId };
    if (event.metrics?.length) recorded.metrics = event.metrics;
    const attempts = [...run.attempts];
    attempts[event.attempt - 1] = recorded;
    const next: TaskRun = { ...run, attempts, outputs: event.outputs ?? run.outputs };
    if (event.labels?.length) ctx.mergeLabels(event.labels);
    if (event.children?.length) this.recordChildren(next, event);

    if (event.state === 'FAILED' && task && ctx.retryLater(next, task, event.attempt)) return;
    const flowable = task && flowableOf(task.type);
    if (task && flowable?.jobEnded) {
      flowable.jobEnded(next, task, event.state, ctx);
      return;
    }
    let final: StateType = event.state;
    if (final === 'SUCCESS' && event.attempt > 1 && task && flag(ctx.retryPolicy(task, run)?.warningOnRetry, false)) final = 'WARNING';
    ctx.finishRun(next, final);
  }

  /** Creates the task runs of the children a WorkingDirectory ran on its worker. */
  private recordChildren(parent: TaskRun, event: TaskResultEvent): void {
    const ctx = this.ctx;
    for (const child of event.children ?? []) {
      const state = { ...newState(new Date(child.startDate)) };
      const running = withState(state, 'RUNNING', new Date(child.startDate));
      const ended = withState(running, child.state, new Date(child.endDate));
      ctx.add({
        id: ctx.newId(),
        executionId: ctx.execution.id,
        namespace: ctx.execution.namespace,
        flowId: ctx.execution.flowId,
        taskId: child.taskId,
        parentTaskRunId: parent.id,
        value: parent.value,
        iteration: parent.iteration,
        attempts: [{ state: ended }],
        outputs: child.outputs,
        state: ended,
      });
    }
  }

  private applyTimer(kind: string, taskRunId?: string, attemptNumber?: number): void {
    const ctx = this.ctx;
    const run = taskRunId ? ctx.runOf(taskRunId) : undefined;
    switch (kind) {
      case 'retry': {
        if (!run || run.state.current !== 'RETRYING' || run.attempts.length !== attemptNumber) return;
        const task = ctx.taskOf(run);
        if (!task) return;
        const flowable = flowableOf(task.type);
        if (flowable?.retry) flowable.retry(run, task, ctx);
        else ctx.dispatch({ ...run, state: withState(run.state, 'RUNNING', ctx.now) }, task);
        return;
      }
      case 'pauseDelay':
        if (run?.state.current === 'PAUSED') pauseDelayReached(run, ctx);
        return;
      case 'pauseTimeout':
        if (run?.state.current === 'PAUSED') pauseTimedOut(run, ctx);
        return;
      case 'loopIteration':
        if (run) loopIterationDue(run, attemptNumber, ctx);
        return;
      case 'executionTimeout':
        ctx.kill('FAILED');
        return;
    }
  }

  /** Failed runs start again: flowables resolve their children again, everything else gets a new attempt. */
  private restart(): void {
    const ctx = this.ctx;
    const failed = ctx.execution.taskRunList.filter((r) => isFailed(r.state.current));
    if (failed.length === 0) return;
    for (const run of failed) {
      const task = ctx.taskOf(run);
      if (!task) continue;
      const flowable = flowableOf(task.type);
      if (flowable?.retry) {
        flowable.retry(run, task, ctx);
      } else if (flowable && !flowable.runsOnWorker) {
        ctx.replace({ ...run, state: withState(run.state, 'RUNNING', ctx.now) });
      } else {
        ctx.dispatch({ ...run, state: withState(run.state, 'RUNNING', ctx.now) }, task);
      }
    }
    ctx.setExecutionState('RESTARTED');
    ctx.setExecutionState('RUNNING');
  }

  // ---- SLAs ---------------------------------------------------------------------------------

  /** A MAX_DURATION deadline came: the SLA it names is violated unless the execution ended (or restarted) since. */
  private slaDeadline(slaId: string | undefined): void {
    const violation = maxDurationViolation(this.ctx.flow, this.ctx.execution, slaId, this.ctx.now);
    if (violation) this.slaViolated([violation]);
  }

  /** EXECUTION_ASSERTION SLAs are checked on each change of a running execution, before it goes on. */
  private checkAssertions(): void {
    const ctx = this.ctx;
    const state = ctx.execution.state.current;
    if (state !== 'RUNNING' && state !== 'PAUSED') return;
    const vars = ctx.executionVariables();
    const { violations, errors } = assertionViolations(ctx.flow, (assertion) => isTruthy(renderTemplate(assertion, vars, ctx.render)));
    for (const { sla, error } of errors) ctx.log('ERROR', `SLA '${sla.id}' is ignored: its assertion cannot be evaluated: ${errorMessage(error)}`);
    if (violations.length > 0) this.slaViolated(violations);
  }

  /**
   * Each violation is logged; the first one acts, as in Kestra: its labels are added, then FAIL or CANCEL ends the
   * execution (running task runs are killed) while NONE lets it go on.
   */
  private slaViolated(violations: SlaViolation[]): void {
    const ctx = this.ctx;
    for (const { sla, reason } of violations) ctx.log('WARN', `SLA '${sla.id}' violated: ${reason}`);
    const { sla, reason } = violations[0]!;
    if (sla.labels.length > 0 && !hasLabels(ctx.execution.labels, sla.labels)) ctx.mergeLabels(sla.labels);
    if (sla.behavior === 'FAIL') {
      ctx.log('ERROR', `the execution fails because SLA '${sla.id}' is violated: ${reason}`);
      ctx.kill('FAILED');
    } else if (sla.behavior === 'CANCEL') {
      ctx.log('WARN', `the execution is cancelled because SLA '${sla.id}' is violated: ${reason}`);
      ctx.kill('CANCELLED');
    }
  }

  // ---- resolution of the task tree ------------------------------------------------------------

  private advance(): void {
    const ctx = this.ctx;
    const flow = ctx.flow;
    const status = ctx.resolveScope({ tasks: flow.tasks, errors: flow.errors, finally: flow.finally }, 'sequential');
    // An Exit task ended the execution while the tree was being resolved: nothing else starts.
    if (isTerminated(ctx.execution.state.current)) return;
    // afterExecution tasks run once everything else ended; they do not change the execution's state.
    const after = status.done && flow.afterExecution?.length ? ctx.resolveList({ tasks: [], errors: [], finally: [] }, enabled(tasksOf(flow.afterExecution)), 'sequential') : undefined;
    if (status.done && (!after || after.done)) {
      ctx.endExecution(status.state);
    } else {
      ctx.refreshPausedState();
    }
  }
}
