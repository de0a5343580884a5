import type { Flowable } from './flowable.js';
import { resolveIterations, startLoop } from './for-each.js';

/** EachSequential (deprecated for ForEach): runs its tasks once per `value`, one iteration at a time. */
export const eachSequentialFlowable: Flowable = {
  start: (run, task, ctx) => startLoop(run, task, task.value, ctx),
  resolveNexts: (run, task, ctx) => resolveIterations(run, task, 1, ctx),
};
