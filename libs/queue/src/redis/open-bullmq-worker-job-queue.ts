import type { WorkerJob } from '@osprey/flow-model';
import type { ExecutionEventQueue } from '../ports.js';
import { BullmqWorkerJobQueue } from './bullmq-worker-job-queue.js';
import { TaskRunJobIndex } from './task-run-job-index.js';

export interface BullmqWorkerJobQueueOptions {
  /** `redis://[user:password@]host:port[/db]` (or `rediss://` for TLS). */
  url: string;
  /** Prefix of every Redis key (default `osprey`); several installations can share one Redis with different prefixes. */
  prefix?: string;
  /** BullMQ queue name (default `worker-jobs`); no `:`. */
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
  const { Queue, QueueEvents, Worker } = await import('bullmq');
  const prefix = options.prefix ?? 'osprey';
  const queueName = options.queueName ?? 'worker-jobs';
  const stalledCheckMs = options.stalledCheckMs ?? 5_000;
  // Without a listener an `error` event would crash the process; by default it becomes a process warning.
  const onError = options.onError ?? ((error: Error) => process.emitWarning(error));
  // BullMQ creates its ioredis connections from these options; `maxRetriesPerRequest: null` makes commands wait
  // through a Redis outage instead of failing after a few retries.
  const connection = { url: options.url, maxRetriesPerRequest: null };
  const queue = new Queue<WorkerJob>(queueName, { connection, prefix });
  const worker = new Worker<WorkerJob>(queueName, null, {
    connection,
    prefix,
    autorun: false,
    stalledInterval: stalledCheckMs,
    // A job must never fail for stalling: a dead worker's job runs again, however often workers die.
    maxStalledCount: Number.MAX_SAFE_INTEGER,
  });
  const queueEvents = new QueueEvents(queueName, { connection, prefix, autorun: true });
  queue.on('error', onError);
  worker.on('error', onError);
  queueEvents.on('error', onError);
  try {
    await Promise.all([queue.waitUntilReady(), worker.waitUntilReady(), queueEvents.waitUntilReady()]);
    const index = new TaskRunJobIndex(await queue.backend.client, `${prefix}:${queueName}:osprey-task-run-jobs`);
    void worker.startStalledCheckTimer();
    return new BullmqWorkerJobQueue({ queue, worker, queueEvents, index, events: options.events });
  } catch (error) {
    await Promise.allSettled([worker.close(true), queueEvents.close(), queue.close()]);
    throw error;
  }
}
