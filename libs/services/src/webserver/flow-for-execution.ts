import { childTaskLists, resolveTaskType, type StoredFlow, type Task } from '@osprey/flow-model';

const PAUSE = 'io.kestra.plugin.core.flow.Pause';
const SUBFLOW = 'io.kestra.plugin.core.flow.Subflow';

/**
 * Kestra's FlowForExecution: what a client needs to start or follow an execution of a flow revision (its inputs,
 * the trees of task ids and types, with a Pause's resume inputs and a Subflow's target, and its trigger ids), without
 * the task properties.
 */
export function flowForExecution(stored: StoredFlow): Record<string, unknown> {
  return {
    id: stored.id,
    namespace: stored.namespace,
    revision: stored.revision,
    inputs: stored.flow.inputs,
    tasks: stored.flow.tasks.map(taskForExecution),
    errors: stored.flow.errors.map(taskForExecution),
    finally: stored.flow.finally.map(taskForExecution),
    afterExecution: (stored.flow.afterExecution ?? []).map(taskForExecution),
    triggers: (stored.flow.triggers ?? []).map((t) => ({ id: t.id, type: t.type })),
    disabled: stored.disabled || stored.flow.disabled === true,
    deleted: stored.deleted,
  };
}

function taskForExecution(task: Task): Record<string, unknown> {
  const json: Record<string, unknown> = { id: task.id, type: task.type };
  const type = resolveTaskType(task.type)?.name;
  if (type === PAUSE && Array.isArray(task.onResume)) json.inputs = task.onResume;
  if (type === SUBFLOW) json.subflowId = { namespace: task.namespace, flowId: task.flowId, ...(task.revision === undefined ? {} : { revision: task.revision }) };
  const children = childTaskLists(task).flatMap((list) => list.tasks);
  if (children.length > 0) json.tasks = children.map(taskForExecution);
  return json;
}
