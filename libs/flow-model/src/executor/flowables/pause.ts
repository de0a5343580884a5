import { PAUSE_TASK } from '../../flow/task-types.js';
import type { TaskRun } from '../../execution/execution.js';
import { withState } from '../../execution/state.js';
import { tasksOf } from '../task-lists.js';
import { childScope, type Flowable, type FlowableContext, type FlowableTask } from './flowable.js';

/**
 * Pause: pauses its run (and the execution) until it is resumed, its `pauseDuration` (`delay`) runs out or its
 * `timeout` fails it; the tasks of a (deprecated) Pause with children run once it is resumed.
 */
export const pauseFlowable: Flowable<FlowableTask<typeof PAUSE_TASK>> = {
  start(run, task, ctx) {
    // delay and timeout may be expressions (e.g. a DURATION input): rendered before the pause starts.
    const delay = ctx.evaluate(task.delay ?? task.pauseDuration, task, run);
    const timeout = ctx.evaluate(task.timeout, task, run);
    const delayAt = typeof delay === 'string' && delay ? ctx.after(delay) : undefined;
    const timeoutAt = delayAt === undefined && typeof timeout === 'string' && timeout ? ctx.after(timeout) : undefined;
    const paused = ctx.replace({ ...run, state: withState(run.state, 'PAUSED', ctx.now) });
    if (delayAt) {
      ctx.schedule(delayAt, { type: 'timer', kind: 'pauseDelay', taskRunId: run.id });
    } else if (timeoutAt) {
      ctx.schedule(timeoutAt, { type: 'timer', kind: 'pauseTimeout', taskRunId: run.id });
    }
    return paused;
  },
  resolveNexts: (run, task, ctx) => ctx.resolveScope(childScope(run, task, tasksOf(task.tasks)), 'sequential'),
  // A Pause with behavior WARN whose duration ran out ends WARNING when its (deprecated) children succeeded.
  resolveState: (state, run) => (state === 'SUCCESS' && run.flowable?.endsWarning === true ? 'WARNING' : state),
};

/**
 * A Pause whose duration ran out (not resumed before): its `behavior` says what follows, as in Kestra. RESUME goes
 * on; WARN goes on and ends the Pause WARNING; FAIL fails the Pause; CANCEL cancels the execution.
 */
export function pauseDelayReached(run: TaskRun, ctx: FlowableContext): void {
  const task = ctx.taskOf(run);
  const behavior = String((task && ctx.evaluate(task.behavior, task, run)) ?? 'RESUME').toUpperCase();
  if (behavior === 'FAIL') {
    ctx.finishRun(run, 'FAILED');
    ctx.refreshPausedState();
  } else if (behavior === 'CANCEL') {
    ctx.finishRun(run, 'CANCELLED');
    ctx.kill('CANCELLED');
  } else if (behavior === 'WARN') {
    ctx.resume(run.id);
    const resumed = ctx.runOf(run.id) ?? run;
    ctx.replace({ ...resumed, flowable: { ...(resumed.flowable ?? {}), endsWarning: true } });
  } else {
    ctx.resume(run.id);
  }
}

/** A Pause whose timeout ran out before it was resumed fails. */
export function pauseTimedOut(run: TaskRun, ctx: FlowableContext): void {
  ctx.finishRun(run, 'FAILED');
  ctx.refreshPausedState();
}
