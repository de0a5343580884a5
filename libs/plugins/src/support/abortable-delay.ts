import { TaskAbortedError, throwIfAborted } from './task-errors.js';

/** Resolves after `ms`, or rejects with {@link TaskAbortedError} as soon as `signal` aborts. */
export function abortableDelay(ms: number, signal: AbortSignal): Promise<void> {
  throwIfAborted(signal);
  return new Promise<void>((resolve, reject) => {
    const onAbort = () => {
      clearTimeout(timer);
      reject(new TaskAbortedError(signal.reason));
    };
    // setTimeout caps at 2^31-1 ms; longer sleeps chain.
    const step = Math.min(ms, 2_147_483_647);
    const timer = setTimeout(() => {
      signal.removeEventListener('abort', onAbort);
      if (ms > step) abortableDelay(ms - step, signal).then(resolve, reject);
      else resolve();
    }, step);
    signal.addEventListener('abort', onAbort, { once: true });
  });
}
