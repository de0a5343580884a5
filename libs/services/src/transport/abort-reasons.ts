/** Why the transport aborted a worker job's signal: the handler reads it to choose the attempt's end. */

/** A kill broadcast named the job's task run. */
export class JobKilledError extends Error {
  constructor() {
    super('task run killed');
    this.name = 'JobKilledError';
  }
}

/** The lease went to another worker (renewal found it expired): the result must not be reported. */
export class LeaseLostError extends Error {
  constructor() {
    super('job lease lost');
    this.name = 'LeaseLostError';
  }
}

/** The job was handed back at shutdown after the grace period: another worker runs it; no result is reported. */
export class JobHandedBackError extends Error {
  constructor() {
    super('job handed back');
    this.name = 'JobHandedBackError';
  }
}

/** Whether the job's result must not be reported: another worker holds or will hold its lease. */
export function isLeaseGone(signal: AbortSignal): boolean {
  return signal.aborted && (signal.reason instanceof LeaseLostError || signal.reason instanceof JobHandedBackError);
}

/** The consumer stopped (shutdown): a handler still retrying gives its message back to the queue. */
export class QueueStoppedError extends Error {
  constructor() {
    super('the queue consumer stopped before the message was handled');
    this.name = 'QueueStoppedError';
  }
}
