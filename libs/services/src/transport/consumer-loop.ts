import { setTimeout as wait } from 'node:timers/promises';

/** The loop of a polling consumer (execution events, worker jobs): how it takes from the queue, waits and retries. */
export interface ConsumerLoop<T> {
  /** Claims or leases what the queue has for this consumer. */
  take(): Promise<T[]>;
  /** Waits for a wake-up (or the idle wait) when a take found nothing. */
  waitForMore(): Promise<void>;
  /** Hands over what a take found; the next take waits until it resolves. */
  handle(items: T[]): Promise<void>;
  /** Logs a failed take; the loop takes again after `retryMs`. */
  onTakeFailed(error: unknown): void;
  retryMs: number;
}

/**
 * Runs `loop` until `signal` aborts: take; nothing, wait for more; a failure, log and wait `retryMs`. The abort of a
 * wait ends the loop; any other error is a fault of the loop itself and rejects.
 */
export async function runConsumerLoop<T>(signal: AbortSignal, loop: ConsumerLoop<T>): Promise<void> {
  try {
    while (!signal.aborted) {
      let items: T[];
      try {
        items = await loop.take();
      } catch (error) {
        loop.onTakeFailed(error);
        await wait(loop.retryMs, undefined, { signal });
        continue;
      }
      if (items.length === 0) await loop.waitForMore();
      else await loop.handle(items);
    }
  } catch (error) {
    if (!signal.aborted) throw error;
  }
}

/** A wait cut short by its abort signal is over, not failed. */
export function ifAborted(error: unknown): void {
  if (!(error instanceof Error && error.name === 'AbortError')) throw error;
}
