import { setTimeout as wait } from 'node:timers/promises';
import { TaskAbortedError, throwIfAborted } from './task-errors.js';

/** A timer holds at most 2^31-1 ms: a longer delay waits in steps. */
const MAX_TIMER_MS = 2_147_483_647;

/** Resolves after `ms`, or rejects with {@link TaskAbortedError} as soon as `signal` aborts. */
export async function abortableDelay(ms: number, signal: AbortSignal): Promise<void> {
  throwIfAborted(signal);
  try {
    for (let left = ms; left > 0; left -= MAX_TIMER_MS) await wait(Math.min(left, MAX_TIMER_MS), undefined, { signal });
  } catch (error) {
    if (signal.aborted) throw new TaskAbortedError(signal.reason);
    throw error;
  }
}
