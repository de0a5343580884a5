import { declaredProperties } from './plugin-definition.js';
import { prop } from './property-schema.js';
import type { Task } from './flow.js';

/** What a task does when no worker of its group is alive as it is dispatched. */
export type WorkerGroupFallback = 'WAIT' | 'FAIL' | 'CANCEL';

/** A task's `workerGroup`: only workers started with this key take its jobs. */
export interface WorkerGroup {
  key: string;
  fallback?: WorkerGroupFallback;
}

export { WORKER_GROUP_KEY } from './worker-group-key.js';

export const WORKER_GROUP_PROPERTIES = declaredProperties({
  key: prop.string().describe('Only workers started with --worker-group <key> take the task.'),
  fallback: prop
    .enumOf(['WAIT', 'FAIL', 'CANCEL'], { CANCEL: 'cancelling a task whose worker group has no live worker is not implemented; use WAIT or FAIL' })
    .describe('What happens when no worker of the group is alive at dispatch: WAIT (default) or FAIL.')
    .optional(),
});

/** The worker group a task (with plugin defaults applied) names, or undefined; malformed values are left to validation. */
export function workerGroupOf(task: Task): WorkerGroup | undefined {
  const group = task.workerGroup;
  if (typeof group !== 'object' || group === null) return undefined;
  const { key, fallback } = group as { key?: unknown; fallback?: unknown };
  if (typeof key !== 'string' || key === '') return undefined;
  const upper = typeof fallback === 'string' ? fallback.toUpperCase() : undefined;
  return { key, fallback: upper === 'FAIL' || upper === 'CANCEL' || upper === 'WAIT' ? upper : undefined };
}
