import { isFailed, isTerminated, type StateType } from '../../execution/state.js';
import { DAG_TASK } from '../../flow/task-types.js';
import { RUNNING, childScope, type Flowable, type FlowableTask } from './flowable.js';
import { numberOr } from './task-values.js';
import { flag } from '../../flow/flag.js';

/**
 * Dag: starts each task once every task it `dependsOn` ended without failure, at most `concurrent` at a time
 * (0: all); a failure starts nothing new and fails the Dag once what runs ended.
 */
export const dagFlowable: Flowable<FlowableTask<typeof DAG_TASK>> = {
  resolveNexts(run, task, ctx) {
    const nodes = Array.isArray(task.tasks) ? task.tasks : [];
    const limit = numberOr(task.concurrent, 0) <= 0 ? Infinity : numberOr(task.concurrent, 0);
    const scope = childScope(run, task, []);
    const ended = (id: string) => {
      const state = ctx.findRun(id, scope)?.state.current;
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
        if (flag(node.task.disabled, false)) continue;
        let child = ctx.findRun(node.task.id, scope);
        if (!child) {
          if (failed || active >= limit || isTerminated(ctx.execution.state.current) || !(node.dependsOn ?? []).every(ended)) {
            waiting = true;
            continue;
          }
          child = ctx.createRun(node.task, scope);
          created = true;
        }
        if (!isTerminated(child.state.current)) child = ctx.drive(child, node.task);
        const state = child.state.current;
        if (!isTerminated(state)) active++;
        else if (isFailed(state)) failed ??= state;
        else if (state === 'WARNING') warning = true;
      }
      if (active > 0) return RUNNING;
      if (failed) return ctx.endWithBranches(scope, failed);
      if (!waiting) return ctx.endWithBranches(scope, warning ? 'WARNING' : 'SUCCESS');
      if (!created) throw new Error(`Dag ${task.id} has tasks whose dependencies can never be met`);
    }
    return RUNNING;
  },
};
