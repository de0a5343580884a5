import type { Label } from '../flow/flow.js';
import type { State, StateType } from './state.js';
import type { TaskRunMetric } from './task-run-metric.js';

/** One run of a flow, shaped like Kestra's Execution. */
export interface Execution {
  id: string;
  namespace: string;
  flowId: string;
  flowRevision: number;
  state: State;
  labels: Label[];
  inputs: Record<string, unknown>;
  variables?: Record<string, unknown>;
  /** The flow outputs, rendered when the execution ends. */
  outputs?: Record<string, unknown>;
  trigger?: ExecutionTrigger;
  /** Set on subflow executions: who started them. */
  parent?: { executionId: string; taskRunId: string; namespace: string; flowId: string; wait: boolean; transmitFailed: boolean };
  taskRunList: TaskRun[];
  /** Incremented on every state change the executor writes; the optimistic-lock version. */
  version: number;
  scheduleDate?: string;
  deleted?: boolean;
  /** Set on replays: the first execution of the chain it replays (absent: the execution is its own original). */
  originalId?: string;
  /** Which try of a retry chain this is (retry behavior CREATE_NEW_EXECUTION, replays); absent means the first. */
  metadata?: ExecutionMetadata;
}

export interface ExecutionMetadata {
  /** 1 for the first execution, incremented by each retry in a new execution and each replay. */
  attemptNumber: number;
  /** When the first execution of the chain was created: a retry's maxDuration counts from it. */
  originalCreatedDate: string;
}

export interface ExecutionTrigger {
  id: string;
  type: string;
  variables: Record<string, unknown>;
}

export interface TaskRunAttempt {
  state: State;
  /** The worker that ran this attempt. */
  workerId?: string;
  logFile?: string;
  /** What the task reported while this attempt ran, in the order it reported them. */
  metrics?: TaskRunMetric[];
}

/** One run of one task in an execution; loop iterations and retries of flowables are separate task runs. */
export interface TaskRun {
  id: string;
  executionId: string;
  namespace: string;
  flowId: string;
  taskId: string;
  parentTaskRunId?: string;
  /** The loop value this run belongs to (ForEach iteration, Switch/If branch marker). */
  value?: string;
  /** The iteration index of the enclosing loop. */
  iteration?: number;
  attempts: TaskRunAttempt[];
  outputs?: Record<string, unknown>;
  state: State;
  /** Private bookkeeping of the executor for flowables (e.g. resolved ForEach values, Dag progress). */
  flowable?: Record<string, unknown>;
}

export function stateOf(execution: Execution): StateType {
  return execution.state.current;
}
