import type { ExecutionEventQueue } from '../ports.js';
import { BullmqLanes } from './bullmq-lanes.js';
import { BullmqWorkerJobQueue } from './bullmq-worker-job-queue.js';

export interface BullmqWorkerJobQueueOptions {
  /** `redis://[user:password@]host:port[/db]` (or `rediss://` for TLS). */
  url: string;
  /** Prefix of every Redis key (default `osprey`); several installations can share one Redis with different prefixes. */
  prefix?: string;
  /** BullMQ queue name (default `worker-jobs`); no `:`. A worker group's jobs wait in the queue `<queueName>.<group>`. */
  queueName?: string;
  /** Where `complete` emits results: the execution event queue of the configured backend. */
  events: ExecutionEventQueue;
  /**
   * How often jobs of dead workers (lock expired) are looked for (default 5000 ms). A job goes back to the queue at most
   * about this long after its lease ended; every check reads the list of running jobs once.
   */
  stalledCheckMs?: number;
  /** Errors BullMQ reports in the background (connection lost, a failed stalled check); it retries on its own. Default: process warnings. */
  onError?: (error: Error) => void;
}

/**
 * Opens worker jobs on Redis through BullMQ; execution events, the executor store and broadcast stay on `events`'
 * backend. While Redis is unreachable, calls wait for it to come back (the client reconnects forever).
 */
export async function openBullmqWorkerJobQueue(options: BullmqWorkerJobQueueOptions): Promise<BullmqWorkerJobQueue> {
  // Loaded on use: BullMQ costs ~25 MB and 100 ms at import, which deployments without Redis should not pay.
  const bullmq = await import('bullmq');
  // Without a listener an `error` event would crash the process; by default it becomes a process warning.
  const onError = options.onError ?? ((error: Error) => process.emitWarning(error));
  let queue: BullmqWorkerJobQueue | undefined;
  const lanes = new BullmqLanes(bullmq, {
    // BullMQ creates its ioredis connections from these options; `maxRetriesPerRequest: null` makes commands wait
    // through a Redis outage instead of failing after a few retries.
    connection: { url: options.url, maxRetriesPerRequest: null },
    prefix: options.prefix ?? 'osprey',
    queueName: options.queueName ?? 'worker-jobs',
    stalledCheckMs: options.stalledCheckMs ?? 5_000,
    onError,
    onArrival: (lane) => queue?.arrived(lane),
  });
  try {
    // The lane of jobs of no group opens whole in every process, so its stalled-job check runs wherever the queue is open.
    await lanes.takingLane(null);
    queue = new BullmqWorkerJobQueue({ lanes, events: options.events });
    return queue;
  } catch (error) {
    await lanes.close();
    throw error;
  }
}
