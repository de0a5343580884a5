import type { Label, Task } from '../flow/flow.js';
import type { Execution, TaskRun } from '../execution/execution.js';
import type { StateType } from '../execution/state.js';
import type { TaskRunMetric } from '../execution/task-run-metric.js';

/** Everything that changes an execution arrives at its executor as one of these, keyed by execution id. */
export type ExecutionEvent =
  | { type: 'start' }
  /**
   * Takes a QUEUED execution out of its flow's concurrency queue (Kestra's unqueue and force-run): RUNNING starts
   * it past the limit, CANCELLED or FAILED ends it. A later recheck `start` finds it started or ended and does nothing.
   */
  | { type: 'unqueue'; state: UnqueueState }
  | { type: 'taskStarted'; taskRunId: string; attempt: number; workerId: string }
  | TaskResultEvent
  /** `cascade` (Kestra's `isOnKillCascade`, true unless false): the child executions of its Subflow runs are killed too. */
  | { type: 'kill'; cascade?: boolean }
  | { type: 'resume'; taskRunId?: string; inputs?: Record<string, unknown> }
  /** `slaId` names the MAX_DURATION SLA of an `sla` timer. */
  | { type: 'timer'; kind: TimerKind; taskRunId?: string; attempt?: number; slaId?: string }
  | SubflowEndedEvent
  /** `iteration`: the ForEachItem batch the child runs, echoed from its SubflowRequest. */
  | { type: 'subflowStarted'; taskRunId: string; childExecutionId: string; iteration?: number }
  | { type: 'changeTaskRunState'; taskRunId: string; state: StateType }
  | { type: 'restart' }
  /** Replaces the execution's labels (system labels stay); allowed on ended executions too. */
  | { type: 'setLabels'; labels: Label[] }
  | PreconditionResultEvent;

/** The states a queued execution can be taken out of the queue to. */
export const UNQUEUE_STATES = ['RUNNING', 'CANCELLED', 'FAILED'] as const;
export type UnqueueState = (typeof UNQUEUE_STATES)[number];

/**
 * A state an upstream execution went through, sent to the inbox key of a triggered flow's precondition windows
 * (`conditionWindowInboxKey`), never to an execution: on a backend whose windows change only under that key.
 */
export interface PreconditionResultEvent {
  type: 'preconditionResult';
  /** The upstream execution as it was in that state. */
  upstream: Execution;
  /** When the upstream decision saw the state (ISO): windows are advanced at this instant, not on arrival. */
  at: string;
  /**
   * The revision of the triggered flow that upstream decision saw: its consumer evaluates that one, or a later one
   * it knows, so a flow just deployed is not missed by an executor whose flow list is a moment late.
   */
  revision: number;
}

export interface SubflowEndedEvent {
  type: 'subflowEnded';
  taskRunId: string;
  childExecutionId: string;
  state: StateType;
  /** The child's task outputs (`outputs.<taskId>...`), for rendering the Subflow task's `outputs`. */
  taskOutputs?: Record<string, unknown>;
  /** The child's flow outputs. */
  flowOutputs?: Record<string, unknown>;
}

/** `loopIteration` starts the next iteration of a LoopUntil, its number as `attempt`. */
export type TimerKind = 'retry' | 'pauseDelay' | 'pauseTimeout' | 'taskTimeout' | 'executionTimeout' | 'sla' | 'loopIteration';

export interface TaskResultEvent {
  type: 'taskResult';
  taskRunId: string;
  attempt: number;
  state: 'SUCCESS' | 'WARNING' | 'FAILED' | 'KILLED';
  outputs?: Record<string, unknown>;
  /** Labels to merge into the execution (execution.Labels). */
  labels?: Label[];
  /** Results of the children a WorkingDirectory ran on the same worker, in order. */
  children?: ChildTaskResult[];
  /** Metrics the task reported on this attempt; recorded on the attempt. */
  metrics?: TaskRunMetric[];
  error?: string;
  workerId?: string;
}

export interface ChildTaskResult {
  taskId: string;
  state: 'SUCCESS' | 'WARNING' | 'FAILED' | 'KILLED' | 'SKIPPED';
  outputs?: Record<string, unknown>;
  startDate: string;
  endDate: string;
}

export interface ExecutionEventEnvelope {
  executionId: string;
  event: ExecutionEvent;
  /** Deliver no earlier than this instant (ISO); absent means now. */
  deliverAt?: string;
  /** The execution itself travels with its `start` event. */
  execution?: Execution;
}

/** A runnable task handed to a worker. */
export interface WorkerJob {
  /** `${taskRunId}:${attempt}`: unique per attempt, so a redelivered result is recognisable. */
  id: string;
  executionId: string;
  namespace: string;
  flowId: string;
  flowRevision: number;
  taskRun: TaskRun;
  attempt: number;
  /** The task with plugin defaults applied, properties still unrendered. */
  task: Task;
  /** Variables for rendering: flow, execution, inputs, outputs, vars, labels, trigger, parents, taskrun. */
  variables: Record<string, unknown>;
  /** Milliseconds after which the worker kills the task. */
  timeoutMs?: number;
  /** The task's `workerGroup.key`: only workers of this group take the job; absent, only workers of no group do. */
  workerGroup?: string;
}

/** What the executor wants done after it decided; persisted atomically with the execution. */
export type ExecutorAction =
  | { type: 'dispatch'; job: WorkerJob }
  | { type: 'startSubflow'; request: SubflowRequest }
  /** A Resume task asks for another execution to be resumed; the answer comes back as a `taskResult` of its run. */
  | { type: 'resumeExecution'; request: ResumeRequest }
  | { type: 'schedule'; at: string; event: ExecutionEvent }
  | { type: 'killJobs'; taskRunIds: string[] }
  | { type: 'emit'; envelope: ExecutionEventEnvelope }
  /** A message for the execution's logs, about something the executor itself decided (e.g. a runIf that fails to render). */
  | { type: 'log'; level: 'INFO' | 'WARN' | 'ERROR'; message: string; taskRunId?: string; taskId?: string }
  | { type: 'ended' };

export interface ResumeRequest {
  /** The Resume task's execution, run and attempt: they get the result. */
  sourceExecutionId: string;
  taskRunId: string;
  attempt: number;
  /** The execution to resume, and (when the task names them) the namespace and flow it must belong to. */
  executionId: string;
  namespace?: string;
  flowId?: string;
  /** The inputs its Pause declares under `onResume`, as rendered (checked and typed when it is resumed). */
  inputs?: Record<string, unknown>;
}

export interface SubflowRequest {
  parentExecutionId: string;
  parentTaskRunId: string;
  /** The parent task run's attempt that starts this child (a retried Subflow starts a new child per attempt). */
  attempt: number;
  namespace: string;
  flowId: string;
  revision?: number;
  inputs: Record<string, unknown>;
  labels: Label[];
  wait: boolean;
  transmitFailed: boolean;
  /** Trigger variables the child sees as `trigger.*`. */
  triggerVariables: Record<string, unknown>;
  /** The ForEachItem batch (from 1) this child runs; its `subflowStarted` event carries it back. */
  iteration?: number;
}
