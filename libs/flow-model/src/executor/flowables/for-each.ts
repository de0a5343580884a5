import { FOR_EACH_TASK } from '../../flow/task-types.js';
import type { Task } from '../../flow/flow.js';
import type { TaskRun } from '../../execution/execution.js';
import { isFailed } from '../../execution/state.js';
import { evaluateExpression } from '../../expression/index.js';
import { enabled, tasksOf } from '../task-lists.js';
import { RUNNING, childScope, type ChildrenStatus, type Flowable, type Scope, type FlowableContext, type FlowableTask } from './flowable.js';
import { numberOr, stringify } from './task-values.js';

/** ForEach: runs its tasks once per value, `concurrencyLimit` iterations at a time (1 by default, 0: all). */
export const forEachFlowable: Flowable<FlowableTask<typeof FOR_EACH_TASK>> = {
  start: (run, task, ctx) => startLoop(run, task, task.values, ctx),
  resolveNexts: (run, task, ctx) => resolveIterations(run, task, numberOr(task.concurrencyLimit, 1), ctx),
};

/** Renders the loop's values once, when its run starts: the iterations are keyed by them. */
export function startLoop(run: TaskRun, task: Task, raw: unknown, ctx: FlowableContext): TaskRun {
  const values = loopValues(raw, (template) => evaluateExpression(template, ctx.variablesFor(task, run), ctx.render));
  return ctx.replace({ ...run, flowable: { values } });
}

/**
 * Runs the iterations of a loop (each one its children in sequence, under the loop's run with `value` and
 * `iteration`), at most `concurrency` at a time (0: all); the loop's errors and finally run once all ended.
 */
export function resolveIterations(run: TaskRun, task: Task, concurrency: number, ctx: FlowableContext): ChildrenStatus {
  const values = (run.flowable?.values as string[] | undefined) ?? [];
  const limit = concurrency <= 0 ? Infinity : concurrency;
  const children = enabled(tasksOf(task.tasks));
  const scopeOf = (i: number): Scope => ({ parent: run, value: values[i], iteration: i, tasks: children, errors: [], finally: [] });
  // Iterations start in order; only those started and not ended are looked at, so an event costs its iteration.
  const progress = ctx.loopProgress(run, () => {
    let next = 0;
    while (next < values.length && children.some((child) => ctx.findRun(child.id, scopeOf(next)))) next++;
    return { next, open: Array.from({ length: next }, (_, i) => i), warning: false };
  });
  const record = (status: ChildrenStatus): boolean => {
    if (!status.done) return false;
    if (isFailed(status.state)) progress.failed ??= status.state;
    if (status.state === 'WARNING') progress.warning = true;
    return true;
  };
  progress.open = progress.open.filter((i) => !record(ctx.resolveList(scopeOf(i), children, 'sequential')));
  // Iterations started together all start, even when one fails at once (an If whose condition cannot render):
  // only a failure known before this pass stops new ones.
  const failedBefore = progress.failed;
  let failedNow = 0;
  while (!failedBefore && progress.open.length + failedNow < limit && progress.next < values.length) {
    const i = progress.next++;
    const status = ctx.resolveList(scopeOf(i), children, 'sequential');
    if (!status.done) progress.open.push(i);
    else if (record(status) && isFailed(status.state)) failedNow++;
  }
  if (progress.open.length > 0 || (!progress.failed && progress.next < values.length)) return RUNNING;
  return ctx.endWithBranches(childScope(run, task, []), progress.failed ?? (progress.warning ? 'WARNING' : 'SUCCESS'));
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
