import type { WorkerJob } from '@osprey/flow-model';
import type { IHeaders, Message } from 'kafkajs';

/** Header of a `worker-jobs` record: how many times the job was handed out before (absent = never). */
export const DELIVERIES_HEADER = 'osprey-deliveries';
/**
 * Headers of a `worker-jobs` record: when it was created and its order within the process ("oldest first").
 * Not the record timestamp: kafkajs stamps each partition's batch of one send separately.
 */
export const PUBLISHED_HEADER = 'osprey-published';
export const ORDER_HEADER = 'osprey-order';

/** A job held by a worker: the value of `worker-job-leases` under the job id. */
export interface KafkaLeaseRecord {
  kind: 'lease';
  jobId: string;
  workerId: string;
  /** The process that took it (its queue gives it back on close). */
  instanceId: string;
  job: WorkerJob;
  deliveries: number;
  leaseUntil: number;
}

/** A cancellation of the queued jobs of a task run: `worker-job-leases` under `cancel/<taskRunId>`. */
export interface KafkaCancelRecord {
  kind: 'cancel';
  taskRunId: string;
  at: number;
}

/** A worker's liveness: the value of `worker-heartbeats` under the worker id, one record per worker. */
export interface KafkaHeartbeatRecord {
  workerId: string;
  instanceId: string;
  /** The leases this heartbeat extends: a restarted worker with the same id does not keep its dead predecessor's jobs. */
  jobIds: string[];
  until: number;
}

export const cancelKey = (taskRunId: string): string => `cancel/${taskRunId}`;

export function isCancelKey(key: string): boolean {
  return key.startsWith('cancel/');
}

let order = 0;

/** A `worker-jobs` record; `deliveries` counts the hand-outs so far, so the next lease is `deliveries + 1`. */
export function workerJobMessage(job: WorkerJob, deliveries = 0): Message {
  const headers: IHeaders = { [PUBLISHED_HEADER]: String(Date.now()), [ORDER_HEADER]: String(order++) };
  if (deliveries > 0) headers[DELIVERIES_HEADER] = String(deliveries);
  return { key: job.id, value: JSON.stringify(job), headers };
}

export function headerNumber(headers: IHeaders | undefined, name: string): number {
  const value = headers?.[name];
  const text = Array.isArray(value) ? value[0] : value;
  if (text === undefined) return 0;
  const parsed = Number(text.toString());
  return Number.isFinite(parsed) ? parsed : 0;
}
