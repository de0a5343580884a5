import { EACH_PARALLEL_TASK } from '../../flow/task-types.js';
import type { Flowable, FlowableTask } from './flowable.js';
import { resolveIterations, startLoop } from './for-each.js';
import { numberOr } from './task-values.js';

/** EachParallel (deprecated for ForEach): runs its tasks once per `value`, `concurrent` iterations at a time (0: all). */
export const eachParallelFlowable: Flowable<FlowableTask<typeof EACH_PARALLEL_TASK>> = {
  start: (run, task, ctx) => startLoop(run, task, task.value, ctx),
  resolveNexts: (run, task, ctx) => resolveIterations(run, task, numberOr(task.concurrent, 0), ctx),
};
