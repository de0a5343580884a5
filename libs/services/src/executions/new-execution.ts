import { isTemplate, labelsVariable, mergeLabelLists, newState, renderValue, resolveInputs, type Execution, type ExecutionTrigger, type Flow, type Label, type RenderOptions } from '@osprey/flow-model';

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
export function newExecution(request: NewExecutionRequest, id: string, now: Date, render?: RenderOptions): Execution {
  const labels = mergeLabelLists(mergeLabelLists(request.flow.labels, request.labels ?? []), [
    { key: 'system.correlationId', value: request.correlationId ?? id },
  ]);
  const given = withRenderedDefaults(request, id, labels, now, render);
  const inputs = resolveInputs(request.flow, given, { now, skipRequiredCheck: request.skipRequiredInputs });
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

/**
 * Input defaults may be expressions (`{{ now() }}`, `{{ trigger.date }}`): those of inputs not given are
 * rendered, in input order so that a default can use the inputs before it, then converted like given values.
 */
function withRenderedDefaults(request: NewExecutionRequest, id: string, labels: Label[], now: Date, render?: RenderOptions): Record<string, unknown> {
  const given = { ...(request.inputs ?? {}) };
  const templated = request.flow.inputs.filter((input) => given[input.id] === undefined && typeof input.defaults === 'string' && isTemplate(input.defaults));
  if (templated.length === 0) return given;
  const variables: Record<string, unknown> = {
    flow: { id: request.flow.id, namespace: request.flow.namespace, revision: request.revision },
    execution: { id, startDate: now.toISOString() },
    labels: labelsVariable(labels),
    // Expressions see the given inputs and the plain defaults of the others.
    inputs: Object.fromEntries(
      request.flow.inputs.map((input) => [input.id, given[input.id] ?? (isTemplate(input.defaults) ? undefined : input.defaults)]).filter(([, v]) => v !== undefined),
    ),
  };
  if (request.trigger) variables.trigger = request.trigger.variables;
  for (const input of templated) {
    given[input.id] = renderValue(input.defaults, variables, { now: () => now, ...render });
    (variables.inputs as Record<string, unknown>)[input.id] = given[input.id];
  }
  return given;
}
