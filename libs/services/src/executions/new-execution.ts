import { evaluateExpression, isTemplate, labelsVariable, mergeLabelLists, newState, renderValue, resolveInputs, type Execution, type ExecutionTrigger, type Flow, type Label, type RenderOptions } from '@osprey/flow-model';

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
  const variables = inputVariables(request, id, labels, now);
  const options = { now: () => now, ...render };
  const given = withRenderedDefaults(request, variables, options);
  const inputs = resolveInputs(request.flow, given, {
    now,
    skipRequiredCheck: request.skipRequiredInputs,
    // SELECT and MULTISELECT `expression`s see the same variables as input defaults.
    evaluate: (expression) => evaluateExpression(expression, variables, options),
  });
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
    metadata: { attemptNumber: 1, originalCreatedDate: now.toISOString() },
  };
  if (request.trigger) execution.trigger = request.trigger;
  if (request.parent) execution.parent = request.parent;
  if (request.scheduleDate) execution.scheduleDate = request.scheduleDate;
  return execution;
}

/** What input defaults and SELECT expressions see: the flow, the execution, its labels, its trigger and the inputs given. */
function inputVariables(request: NewExecutionRequest, id: string, labels: Label[], now: Date): Record<string, unknown> {
  const given = request.inputs ?? {};
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
  return variables;
}

/**
 * Input defaults may be expressions (`{{ now() }}`, `{{ trigger.date }}`): those of inputs not given are
 * rendered, in input order so that a default can use the inputs before it, then converted like given values.
 */
function withRenderedDefaults(request: NewExecutionRequest, variables: Record<string, unknown>, options: RenderOptions): Record<string, unknown> {
  const given = { ...(request.inputs ?? {}) };
  const templated = request.flow.inputs.filter((input) => given[input.id] === undefined && typeof input.defaults === 'string' && isTemplate(input.defaults));
  for (const input of templated) {
    given[input.id] = renderValue(input.defaults, variables, options);
    (variables.inputs as Record<string, unknown>)[input.id] = given[input.id];
  }
  return given;
}
