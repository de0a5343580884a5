import { ALLOW_FAILURE_TASK } from '../../flow/task-types.js';
import { tasksOf } from '../task-lists.js';
import { childScope, type Flowable, type FlowableTask } from './flowable.js';

/** AllowFailure: runs its tasks in sequence; their failure ends it WARNING, so the flow goes on. */
export const allowFailureFlowable: Flowable<FlowableTask<typeof ALLOW_FAILURE_TASK>> = {
  resolveNexts: (run, task, ctx) => ctx.resolveScope(childScope(run, task, tasksOf(task.tasks)), 'sequential'),
  resolveState: (state) => (state === 'FAILED' ? 'WARNING' : state),
};
