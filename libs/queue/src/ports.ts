import type { ConditionWindowWrite, Execution, ExecutionEventEnvelope, ExecutionEvent, StoredConditionWindow, TaskResultEvent, TaskRun, WorkerJob } from '@osprey/flow-model';

/** An execution event claimed by one executor; no other executor holds events of the same execution meanwhile. */
export interface ClaimedEvent {
  /** Monotonic per queue: events of one execution are claimed in `seq` order. */
  seq: number;
  executionId: string;
  event: ExecutionEvent;
  execution?: Execution;
  /** The version of the execution as stored when the claim was made; absent while it is not stored yet. */
  storedVersion?: number;
}

/**
 * The executor inbox: keyed, ordered events with delayed delivery. A claim locks the execution
 * for `leaseMs`; the lock is released by `ExecutorStore.commit` or by expiry (a dead executor).
 */
export interface ExecutionEventQueue {
  emit(events: ExecutionEventEnvelope[]): Promise<void>;
  claim(consumerId: string, maxExecutions: number, leaseMs: number): Promise<ClaimedEvent[]>;
  /** Gives back the claims of a consumer without consuming anything (shutdown, failed commit). */
  release(consumerId: string, executionIds: string[]): Promise<void>;
  /** Resolves when events may be due (a notification or `timeoutMs`), or when `signal` aborts. */
  waitForEvents(timeoutMs: number, signal?: AbortSignal): Promise<void>;
  /** Undelivered events, including delayed ones not yet due. */
  depth(): Promise<number>;
}

export interface LeasedJob {
  job: WorkerJob;
  workerId: string;
  /** How many times this job has been handed out, this time included. */
  deliveries: number;
  leaseUntil: number;
}

/**
 * Which jobs a take may lease. A worker always names its group: a string takes only the jobs of that worker group,
 * `null` only the jobs of no group. Without options every job is takeable: only a relay that moves jobs on does that.
 */
export interface TakeOptions {
  workerGroup: string | null;
}

/** Worker jobs: a leased work queue with competing consumers. */
export interface WorkerJobQueue {
  publish(jobs: WorkerJob[]): Promise<void>;
  /** Leases up to `max` jobs; a lease not renewed within `leaseMs` returns the job to the queue. */
  take(workerId: string, max: number, leaseMs: number, options?: TakeOptions): Promise<LeasedJob[]>;
  /** Extends the leases; returns the job ids this worker no longer holds (lost to expiry). */
  renew(workerId: string, jobIds: string[], leaseMs: number): Promise<string[]>;
  /** Completes a job: emits its result to the executor and removes the job, atomically. */
  complete(lease: LeasedJob, result: TaskResultEvent): Promise<void>;
  /** Hands a job back unfinished (graceful shutdown): another worker takes it at once. */
  giveBack(lease: LeasedJob): Promise<void>;
  /**
   * Removes leased jobs without a result because they now wait in another queue (worker jobs on Redis: the
   * executor's commit writes them here, as an outbox, and a relay moves them). Leases the holder lost stay.
   */
  handOff(leases: LeasedJob[]): Promise<void>;
  /** Removes queued (not yet leased) jobs of these task runs; returns the ids of jobs that are leased now. */
  cancel(taskRunIds: string[]): Promise<string[]>;
  /**
   * Resolves when a job may be there to take (with these take options: a queue that keeps worker groups apart waits
   * on the worker's group only), after `timeoutMs`, or when `signal` aborts.
   */
  waitForJobs(timeoutMs: number, signal?: AbortSignal, options?: TakeOptions): Promise<void>;
  /** Jobs waiting to be taken (the autoscaling metric) and jobs leased now. */
  depth(): Promise<{ pending: number; running: number }>;
}

export type BroadcastMessage =
  | { type: 'killTaskRuns'; executionId: string; taskRunIds: string[] }
  | { type: 'flowChanged'; namespace: string; flowId: string }
  | { type: 'triggerChanged'; namespace: string; flowId: string; triggerId: string };

/** Fire-and-forget messages every subscriber sees (kill signals, flow and trigger changes). */
export interface BroadcastQueue {
  publish(message: BroadcastMessage): Promise<void>;
  /** Delivers messages published after the call; returns an unsubscribe function. */
  subscribe(handler: (message: BroadcastMessage) => void): () => void;
}

/** One executor decision, written all or nothing. */
export interface ExecutorCommit {
  execution: Execution;
  /** Version the stored execution must still have (optimistic lock); 0 for a new execution. */
  expectedVersion: number;
  changedTaskRuns: TaskRun[];
  jobs: WorkerJob[];
  events: ExecutionEventEnvelope[];
  /** Claimed events this decision consumed. */
  consumed: number[];
  /** Task runs whose running jobs must be killed. */
  cancelJobs: string[];
  /**
   * Flow trigger precondition windows this decision changed, each under its own version check: a window changed
   * since it was loaded fails the whole commit with ConditionWindowConflictError.
   */
  conditionWindows?: ConditionWindowWrite[];
  /**
   * Deletes the stored windows that ended before this time (epoch ms): expired windows are purged. SQL purges every
   * flow's; Kafka, which keeps each flow's windows with the owner of its inbox key, those of the flows written.
   */
  purgeConditionWindowsBefore?: number;
}

/**
 * The consumption of `preconditionResult` events claimed under one flow's window inbox key
 * (`conditionWindowInboxKey`), written all or nothing: the flow's window changes, the executions they start, the acks.
 */
export interface ConditionWindowCommit {
  /** The inbox key the events were claimed under: every write is a window of its flow. */
  key: string;
  conditionWindows: ConditionWindowWrite[];
  purgeConditionWindowsBefore?: number;
  /** The start events of the executions the windows fired. */
  events: ExecutionEventEnvelope[];
  consumed: number[];
}

/** The executor's write path: the execution, its task runs, outbound jobs and events, acks, atomically. */
export interface ExecutorStore {
  load(executionId: string): Promise<Execution | null>;
  commit(consumerId: string, commit: ExecutorCommit): Promise<void>;
  /** Consumes events that cannot be applied (their execution is gone) and releases the claim. */
  acknowledge(consumerId: string, executionId: string, seqs: number[]): Promise<void>;
  /**
   * Whether this store keeps Flow trigger precondition windows (`loadConditionWindows`, `ExecutorCommit.conditionWindows`).
   * Without it, preconditions that gather results across executions cannot be evaluated and their triggers never fire.
   */
  readonly keepsConditionWindows: boolean;
  /**
   * Whether windows may change only under their flow's inbox key (`conditionWindowInboxKey`): the decision of an
   * upstream execution then sends its states there as `preconditionResult` events, whose consumer evaluates the
   * flow's preconditions and commits with `commitConditionWindows` (Kafka: the key's partition owner holds the
   * windows). Otherwise the upstream decision changes the windows in its own commit (SQL: a version check per row).
   */
  readonly routesConditionWindows: boolean;
  /** The stored precondition windows among `keys` (`conditionWindowKey`); a key without a window is left out. */
  loadConditionWindows(keys: readonly string[]): Promise<Map<string, StoredConditionWindow>>;
  /**
   * Commits what `preconditionResult` events claimed under `commit.key` changed, under the windows' version checks
   * (ConditionWindowConflictError), and releases the claim.
   */
  commitConditionWindows(consumerId: string, commit: ConditionWindowCommit): Promise<void>;
}

export interface Closable {
  close(): Promise<void>;
}

export const EXECUTION_EVENT_QUEUE = Symbol('ExecutionEventQueue');
export const WORKER_JOB_QUEUE = Symbol('WorkerJobQueue');
export const BROADCAST_QUEUE = Symbol('BroadcastQueue');
export const EXECUTOR_STORE = Symbol('ExecutorStore');

/** A precondition window changed since the decision read it: the decision is made again from the stored state. */
export class ConditionWindowConflictError extends Error {
  constructor(readonly key: string, readonly expected: number, readonly actual: number) {
    super(`precondition window ${key} is at version ${actual}, expected ${expected}`);
    this.name = 'ConditionWindowConflictError';
  }
}

export class VersionConflictError extends Error {
  constructor(readonly executionId: string, readonly expected: number, readonly actual: number) {
    super(`execution ${executionId} is at version ${actual}, expected ${expected}`);
    this.name = 'VersionConflictError';
  }
}
