import { mergeLabelLists, newState, resolveInputs, type Execution, type ExecutionTrigger, type Flow, type Label } from '@osprey/flow-model';

export interface NewExecutionRequest {
  flow: Flow;
  revision: number;
  inputs?: Record<string, unknown>;
  labels?: Label[];
  trigger?: ExecutionTrigger;
  parent?: Execution['parent'];
  /** The root execution of a subflow chain. */
  correlationId?: string;
  scheduleDate?: string;
  /** Executions started by a Flow trigger are not held to required inputs, as in Kestra. */
  skipRequiredInputs?: boolean;
}

/**
 * Builds a new execution in CREATED state: inputs converted to their declared types and checked
 * (throws InputValidationError), flow labels, given labels and the correlation id.
 */
export function newExecution(request: NewExecutionRequest, id: string, now: Date): Execution {
  const inputs = resolveInputs(request.flow, request.inputs ?? {}, { now, skipRequiredCheck: request.skipRequiredInputs });
  const labels = mergeLabelLists(mergeLabelLists(request.flow.labels, request.labels ?? []), [
    { key: 'system.correlationId', value: request.correlationId ?? id },
  ]);
  const execution: Execution = {
    id,
    namespace: request.flow.namespace,
    flowId: request.flow.id,
    flowRevision: request.revision,
    state: newState(now),
    labels,
    inputs,
    taskRunList: [],
    version: 0,
  };
  if (request.trigger) execution.trigger = request.trigger;
  if (request.parent) execution.parent = request.parent;
  if (request.scheduleDate) execution.scheduleDate = request.scheduleDate;
  return execution;
}
