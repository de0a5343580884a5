import { LOOP_UNTIL_TASK } from '../../flow/task-types.js';
import type { Task } from '../../flow/flow.js';
import type { TaskRun } from '../../execution/execution.js';
import { isFailed, withState, type StateType } from '../../execution/state.js';
import { isDuration, parseDuration } from '../../flow/duration.js';
import { errorMessage } from '../error-message.js';
import { isTruthy } from '../is-truthy.js';
import { enabled, tasksOf } from '../task-lists.js';
import { RUNNING, childScope, type ChildrenStatus, type Flowable, type FlowableContext, type FlowableTask } from './flowable.js';

type LoopUntilTask = FlowableTask<typeof LOOP_UNTIL_TASK>;

/** Kestra's defaults for `checkFrequency`. */
const DEFAULT_INTERVAL = 'PT1S';
const DEFAULT_MAX_ITERATIONS = 100;
const DEFAULT_MAX_DURATION = 'PT1H';

/**
 * LoopUntil (and the older WaitFor): runs its tasks in sequence, then renders `condition`; while it is falsy the loop
 * waits `checkFrequency.interval` (PAUSED) and runs them again, until `maxIterations` or `maxDuration` is reached.
 * Each iteration's runs carry its number as `iteration` (from 0); `outputs.<loop>.iterationCount` is the number of
 * the iteration running (from 1) and moves on as each one ends, as in Kestra. A failed child fails the loop.
 */
export const loopUntilFlowable: Flowable<LoopUntilTask> = {
  start(run, _task, ctx) {
    return ctx.replace({ ...run, outputs: { iterationCount: 1 }, flowable: { round: 1 } });
  },
  resolveNexts(run, task, ctx) {
    const ended = run.flowable?.ended as StateType | undefined;
    if (ended) return ctx.endWithBranches(childScope(run, task, []), ended);
    const waiting = run.flowable?.waiting as number | undefined;
    // Resumed by hand during its interval: the next iteration starts now, its timer will find nothing to do.
    if (waiting !== undefined) run = ctx.replace({ ...run, flowable: { round: waiting } });
    const round = (run.flowable?.round as number | undefined) ?? 1;
    const children = enabled(tasksOf(task.tasks));
    const status = ctx.resolveList({ parent: run, value: run.value, iteration: round - 1, tasks: children, errors: [], finally: [] }, children, 'sequential');
    if (!status.done) return RUNNING;
    if (isFailed(status.state)) return end(run, task, status.state, ctx);
    return iterationEnded(run, task, round, status.state, ctx);
  },
  retry(run, _task, ctx) {
    // A restarted loop goes on from the iteration that failed: its failed child runs again.
    const { ended: _ended, ...flowable } = run.flowable ?? {};
    ctx.replace({ ...run, flowable, state: withState(run.state, 'RUNNING', ctx.now) });
  },
};

/** The interval is over (or the loop was resumed): the iteration `round` starts unless another one did already. */
export function loopIterationDue(run: TaskRun, round: number | undefined, ctx: FlowableContext): void {
  if (run.state.current !== 'PAUSED' || run.flowable?.waiting !== round) return;
  ctx.replace({ ...run, state: withState(run.state, 'RUNNING', ctx.now), flowable: { round } });
  ctx.refreshPausedState();
}

/** An iteration ended without failure: the loop ends, or waits for the next iteration. */
function iterationEnded(run: TaskRun, task: LoopUntilTask, round: number, state: StateType, ctx: FlowableContext): ChildrenStatus {
  let limits: Limits;
  try {
    limits = limitsOf(task, run, ctx);
  } catch (error) {
    ctx.log('ERROR', `LoopUntil ${task.id}: ${errorMessage(error)}`, run);
    return end(run, task, 'FAILED', ctx);
  }
  const counted = ctx.replace({ ...run, outputs: { ...(run.outputs ?? {}), iterationCount: round + 1 } });
  const reached = maxReached(counted, round + 1, limits, ctx);
  if (!reached) {
    let done: boolean;
    try {
      done = isTruthy(ctx.evaluate(task.condition ?? '', task, counted));
    } catch (error) {
      ctx.log('ERROR', `LoopUntil ${task.id}: its condition cannot be rendered: ${errorMessage(error)}`, counted);
      return end(counted, task, 'FAILED', ctx);
    }
    if (!done) {
      ctx.replace({ ...counted, state: withState(counted.state, 'PAUSED', ctx.now), flowable: { round, waiting: round + 1 } });
      ctx.schedule(new Date(ctx.now.getTime() + limits.interval).toISOString(), { type: 'timer', kind: 'loopIteration', taskRunId: run.id, attempt: round + 1 });
      ctx.refreshPausedState();
      return RUNNING;
    }
    return end(counted, task, state, ctx);
  }
  ctx.log('WARN', `LoopUntil ${task.id}: ${reached} reached`, counted);
  return end(counted, task, limits.failOnMaxReached ? 'FAILED' : state, ctx);
}

/** The loop's work ended in `state`: that is recorded, then its errors (after a failure) and finally run. */
function end(run: TaskRun, task: Task, state: StateType, ctx: FlowableContext): ChildrenStatus {
  const ended = ctx.replace({ ...run, flowable: { ...(run.flowable ?? {}), ended: state } });
  return ctx.endWithBranches(childScope(ended, task, []), state);
}

interface Limits {
  interval: number;
  maxIterations?: number;
  maxDuration?: number;
  failOnMaxReached: boolean;
}

/** Which maximum the loop reached after iteration `count - 1`, if any. */
function maxReached(run: TaskRun, count: number, limits: Limits, ctx: FlowableContext): string | undefined {
  if (limits.maxIterations !== undefined && count > limits.maxIterations) return `maxIterations ${limits.maxIterations}`;
  const created = Date.parse(run.state.histories[0]?.date ?? run.state.startDate);
  if (limits.maxDuration !== undefined && created + limits.maxDuration < ctx.now.getTime()) return 'maxDuration';
  return undefined;
}

/** checkFrequency's values, each checked for its own type once rendered (an expression may give any value). */
function limitsOf(task: LoopUntilTask, run: TaskRun, ctx: FlowableContext): Limits {
  const frequency = (task.checkFrequency ?? {}) as Record<string, unknown>;
  const duration = (key: string, fallback: string): number => {
    const value = ctx.evaluate(frequency[key] ?? fallback, task, run);
    if (!isDuration(value)) throw new Error(`checkFrequency.${key} must be an ISO-8601 duration, got ${JSON.stringify(value)}`);
    return parseDuration(value);
  };
  const rawMax = ctx.evaluate(frequency.maxIterations ?? DEFAULT_MAX_ITERATIONS, task, run);
  const maxIterations = typeof rawMax === 'string' && rawMax.trim() !== '' ? Number(rawMax) : rawMax;
  if (typeof maxIterations !== 'number' || !Number.isInteger(maxIterations)) throw new Error(`checkFrequency.maxIterations must be an integer, got ${JSON.stringify(rawMax)}`);
  const failOnMaxReached = ctx.evaluate(task.failOnMaxReached, task, run);
  return {
    interval: duration('interval', DEFAULT_INTERVAL),
    maxIterations,
    maxDuration: duration('maxDuration', DEFAULT_MAX_DURATION),
    failOnMaxReached: failOnMaxReached === true || failOnMaxReached === 'true',
  };
}
