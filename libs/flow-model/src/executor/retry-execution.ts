import type { Execution, ExecutionMetadata } from '../execution/execution.js';
import { newState } from '../execution/state.js';

/** The execution's place in its retry chain; one without metadata is a first execution, created when its state was. */
export function executionMetadata(execution: Execution): ExecutionMetadata {
  return execution.metadata ?? { attemptNumber: 1, originalCreatedDate: execution.state.histories[0]?.date ?? execution.state.startDate };
}

/** The metadata of the next try after `execution` (a retry in a new execution, a replay). */
export function nextAttemptMetadata(execution: Execution): ExecutionMetadata {
  const metadata = executionMetadata(execution);
  return { ...metadata, attemptNumber: metadata.attemptNumber + 1 };
}

/**
 * The new execution that retries `retried` (retry behavior CREATE_NEW_EXECUTION): the same flow revision, inputs,
 * labels, trigger and parent, no task runs, and the next attempt number of the chain.
 */
export function retryExecutionOf(retried: Execution, id: string, now: Date): Execution {
  const next: Execution = {
    id,
    namespace: retried.namespace,
    flowId: retried.flowId,
    flowRevision: retried.flowRevision,
    state: newState(now),
    labels: retried.labels,
    inputs: retried.inputs,
    taskRunList: [],
    version: 0,
    metadata: nextAttemptMetadata(retried),
  };
  if (retried.variables) next.variables = retried.variables;
  if (retried.trigger) next.trigger = retried.trigger;
  if (retried.parent) next.parent = retried.parent;
  if (retried.scheduleDate) next.scheduleDate = retried.scheduleDate;
  return next;
}
