import { SUBFLOW_TASK } from '../../flow/task-types.js';
import type { Label, Task } from '../../flow/flow.js';
import type { TaskRun } from '../../execution/execution.js';
import { isFailed, isTerminated, newState, withState, type StateType } from '../../execution/state.js';
import { renderTemplate, renderValue } from '../../expression/index.js';
import { errorMessage } from '../error-message.js';
import type { SubflowEndedEvent } from '../events.js';
import { flowableKind } from '../flowable-kind.js';
import { mergeLabelLists } from '../label-lists.js';
import { tasksOf } from '../task-lists.js';
import { RUNNING, childScope, type Flowable, type FlowableContext, type FlowableTask } from './flowable.js';
import { stringify } from './task-values.js';
import { flag } from '../../flow/flag.js';

/**
 * Subflow (and the older Flow): starts a child execution with rendered inputs and labels, and ends as the child
 * ended (or once it exists, without `wait`); its own errors and finally run before it ends. Each attempt of its
 * retry policy starts a new child.
 */
export const subflowFlowable: Flowable<FlowableTask<typeof SUBFLOW_TASK>> = {
  start(run, task, ctx) {
    startChild(run, task, ctx);
    return run;
  },
  resolveNexts(run, task, ctx) {
    // The child ended: its state was recorded as jobState.
    const jobState = run.flowable?.jobState as StateType | undefined;
    return jobState ? ctx.endWithBranches(childScope(run, task, []), jobState) : RUNNING;
  },
  // The child could not start: the Subflow task ends as its child would have.
  jobEnded: (run, task, state, ctx) => endSubflowRun(run, task, state, ctx),
  retry(run, task, ctx) {
    // A new attempt starts a new child execution; the failed child stays as it ended.
    const { executionId: _previous, ...outputs } = run.outputs ?? {};
    const { jobState: _ended, ...flowable } = run.flowable ?? {};
    const retried = ctx.replace({
      ...run,
      outputs,
      flowable,
      attempts: [...run.attempts, { state: withState(newState(ctx.now), 'RUNNING', ctx.now) }],
      state: withState(run.state, 'RUNNING', ctx.now),
    });
    startChild(retried, task, ctx);
  },
};

/** The child execution of a Subflow run exists: its id is recorded; without `wait` the Subflow is done. */
export function subflowStarted(taskRunId: string, childExecutionId: string, ctx: FlowableContext): void {
  const run = ctx.runOf(taskRunId);
  if (!run || isTerminated(run.state.current)) return;
  const task = ctx.taskOf(run);
  const outputs = { ...(run.outputs ?? {}), executionId: childExecutionId };
  if (task && !flag(task.wait, true)) {
    endSubflowRun({ ...run, outputs }, task, 'SUCCESS', ctx);
  } else {
    ctx.replace({ ...run, outputs });
  }
}

/**
 * The child execution of a Subflow run ended: the run takes its state (FAILED only when `transmitFailed`) and
 * outputs, then retries by its policy or ends.
 */
export function subflowEnded(event: SubflowEndedEvent, ctx: FlowableContext): void {
  const run = ctx.runOf(event.taskRunId);
  if (!run || isTerminated(run.state.current)) return;
  const task = ctx.taskOf(run);
  if (!task) return;
  const outputs: Record<string, unknown> = { ...(run.outputs ?? {}), executionId: event.childExecutionId, state: event.state };
  let state: StateType = 'SUCCESS';
  if (event.state === 'KILLED') state = 'KILLED';
  else if (isFailed(event.state)) state = flag(task.transmitFailed, true) ? 'FAILED' : 'SUCCESS';
  else if (event.state === 'WARNING') state = 'WARNING';
  if (task.outputs && typeof task.outputs === 'object') {
    try {
      const childVars = { ...ctx.variablesFor(task, run), outputs: event.taskOutputs ?? {} };
      outputs.outputs = renderValue(task.outputs as Record<string, unknown>, childVars, ctx.render);
    } catch (error) {
      state = 'FAILED';
      ctx.log('ERROR', `the outputs of subflow task ${task.id} cannot be rendered: ${errorMessage(error)}`, run);
    }
  }
  if (event.flowOutputs) outputs.outputs = { ...(outputs.outputs as object | undefined), ...event.flowOutputs };
  if (state === 'FAILED' && ctx.retryLater({ ...run, outputs }, task, run.attempts.length)) return;
  endSubflowRun({ ...run, outputs }, task, state, ctx);
}

/**
 * Sends a kill (cascading in turn) to every child execution the execution's Subflow and ForEachItem runs started, waited for or not,
 * as Kestra's kill with `isOnKillCascade`; a child that already ended ignores it.
 */
export function killChildExecutions(ctx: FlowableContext): void {
  for (const run of ctx.execution.taskRunList) {
    const task = ctx.taskOf(run);
    const kind = task && flowableKind(task.type);
    const child = run.outputs?.executionId;
    const children = kind === 'ForEachItemExecutable' ? Object.keys((run.flowable?.children ?? {}) as object) : kind === 'Subflow' && typeof child === 'string' ? [child] : [];
    for (const executionId of children) ctx.act({ type: 'emit', envelope: { executionId, event: { type: 'kill' } } });
  }
}

/** A Subflow run whose child ended (or started, without wait): its own errors and finally run before it ends. */
function endSubflowRun(run: TaskRun, task: Task, state: StateType, ctx: FlowableContext): void {
  if (state === 'KILLED' || (tasksOf(task.errors).length === 0 && tasksOf(task.finally).length === 0)) {
    ctx.finishRun(run, state);
    return;
  }
  ctx.replace({ ...run, attempts: ctx.endAttempt(run, state), flowable: { ...(run.flowable ?? {}), jobState: state } });
}

/**
 * Asks for a child execution of the task's flow, its inputs and labels rendered for `run`; a ForEachItem batch adds
 * `taskrun.items` and `taskrun.iteration` to what its inputs are rendered with.
 */
export function startChild(run: TaskRun, task: Task, ctx: FlowableContext, batch?: { items: string; iteration: number }): void {
  const execution = ctx.execution;
  const runVars = ctx.variablesFor(task, run);
  const vars = batch ? { ...runVars, taskrun: { ...(runVars.taskrun as object), ...batch } } : runVars;
  const inputs = renderValue((task.inputs ?? {}) as Record<string, unknown>, vars, ctx.render);
  // Labels are rendered for the run, without the batch variables (as Kestra renders them).
  const ownLabels = toLabels(renderValue(task.labels ?? [], runVars, ctx.render));
  const inherited = flag(task.inheritLabels, false) ? execution.labels.filter((l) => !l.key.startsWith('system.')) : [];
  const correlation = execution.labels.find((l) => l.key === 'system.correlationId')?.value ?? execution.id;
  const labels = mergeLabelLists(mergeLabelLists(inherited, ownLabels), [{ key: 'system.correlationId', value: correlation }]);
  ctx.act({
    type: 'startSubflow',
    request: {
      parentExecutionId: execution.id,
      parentTaskRunId: run.id,
      attempt: Math.max(1, run.attempts.length),
      namespace: renderTemplate(String(task.namespace), vars, ctx.render),
      flowId: renderTemplate(String(task.flowId), vars, ctx.render),
      revision: typeof task.revision === 'number' ? task.revision : undefined,
      inputs,
      labels,
      wait: flag(task.wait, true),
      transmitFailed: flag(task.transmitFailed, true),
      triggerVariables: {
        executionId: execution.id,
        namespace: execution.namespace,
        flowId: execution.flowId,
        flowRevision: execution.flowRevision,
      },
      ...(batch ? { iteration: batch.iteration } : {}),
    },
  });
}

function toLabels(value: unknown): Label[] {
  if (Array.isArray(value)) return value.map((l) => ({ key: String((l as Label).key), value: String((l as Label).value) }));
  if (value && typeof value === 'object') return Object.entries(value).map(([key, v]) => ({ key, value: stringify(v) }));
  return [];
}
