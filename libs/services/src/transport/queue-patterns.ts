/** The patterns the queue transport delivers to `@EventPattern` handlers. */

/** One execution's claimed events (`ExecutionEventsMessage`), decided and committed by the executor. */
export const EXECUTION_EVENTS_PATTERN = 'osprey.execution-events';

/** One leased worker job (`LeasedJob`), run by a worker until its end, a kill, a lost lease or the shutdown. */
export const WORKER_JOB_PATTERN = 'osprey.worker-job';

/** One batch of the index feed (`ProjectionBatch`: executions and logs), written to the search repository. */
export const INDEX_BATCH_PATTERN = 'osprey.index-batch';

/** One broadcast (`BroadcastMessage`: a kill, a flow or trigger change), delivered to every handler of the process. */
export const BROADCAST_PATTERN = 'osprey.broadcast';

export type QueuePattern = typeof EXECUTION_EVENTS_PATTERN | typeof WORKER_JOB_PATTERN | typeof INDEX_BATCH_PATTERN | typeof BROADCAST_PATTERN;
