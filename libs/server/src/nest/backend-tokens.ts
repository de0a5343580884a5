import type { OpenedAdapters } from './opened-adapters.js';

/**
 * Injection tokens of what the backend modules provide beside the ports' own (EXECUTION_EVENT_QUEUE, WORKER_JOB_QUEUE,
 * BROADCAST_QUEUE, EXECUTOR_STORE in @osprey/queue, REPOSITORY in @osprey/repository, STORAGE in @osprey/storage).
 */

/** The flows executors decide with (`FlowSource`): the repository's on SQL, the flows topic held in memory on Kafka. */
export const EXECUTOR_FLOW_SOURCE = Symbol('ExecutorFlowSource');
/** `Projection | null`: present when the repository is a projection of the queue that the indexer writes (Kafka). */
export const PROJECTION = Symbol('Projection');
/** `number | null`: executions an executor may decide at once on this queue; null: the executor's own default. */
export const EXECUTOR_IN_FLIGHT = Symbol('ExecutorInFlight');
/** `BackendReadiness`: one round trip to every server the process uses (`/health/ready`). */
export const BACKEND_READINESS = Symbol('BackendReadiness');
/** `BackendOptions` the backend modules were composed with. */
export const BACKEND_OPTIONS = Symbol('BackendOptions');

export interface BackendReadiness {
  /** True once every adapter answered a round trip. */
  ready(): Promise<boolean>;
}

/** How the process uses the backend; the adapters open what it needs and nothing more. */
export interface BackendOptions {
  /** Names the process in Kafka transactional ids and consumer groups. */
  instanceId: string;
  /** Where the adapters report background failures (a lost connection they retry, a failed delivery). */
  onError: (error: unknown, context: string) => void;
  /**
   * With worker jobs on Redis: run the relay that moves the jobs the executor commits into the queue backend
   * on to Redis. The processes that run an executor do.
   */
  relayWorkerJobs: boolean;
  /** The process runs an executor: on Kafka, read the flows topic into memory (EXECUTOR_FLOW_SOURCE). */
  executorFlows: boolean;
  /** Where each module records what it opened, closed again if the application's creation fails. */
  opened: OpenedAdapters;
}
