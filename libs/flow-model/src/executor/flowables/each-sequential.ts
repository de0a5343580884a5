import { EACH_SEQUENTIAL_TASK } from '../../flow/task-types.js';
import type { Flowable, FlowableTask } from './flowable.js';
import { resolveIterations, startLoop } from './for-each.js';

/** EachSequential (deprecated for ForEach): runs its tasks once per `value`, one iteration at a time. */
export const eachSequentialFlowable: Flowable<FlowableTask<typeof EACH_SEQUENTIAL_TASK>> = {
  start: (run, task, ctx) => startLoop(run, task, task.value, ctx),
  resolveNexts: (run, task, ctx) => resolveIterations(run, task, 1, ctx),
};
