import pRetry from 'p-retry';

export interface SqlRetryOptions {
  /** Attempts after the first. */
  retries: number;
  /** Whether running the work again may succeed (a deadlock victim, a lost insert race). */
  retryable: (error: unknown) => boolean;
  /** Waits between attempts: from `min` ms, times `factor` each time, up to `max`; randomised (×1–2) when asked. */
  backoff?: { min: number; factor?: number; max?: number; randomize?: boolean };
}

/** Carries the work's own error through p-retry, which replaces a value that is not an Error of its realm. */
class AttemptFailure extends Error {
  constructor(readonly failure: unknown) {
    super('SQL attempt failed');
  }
}

/** Runs `work`, again while its error is retryable; the error thrown is the last attempt's own, unchanged. */
export async function retrySql<T>(work: () => Promise<T>, options: SqlRetryOptions): Promise<T> {
  try {
    return await pRetry(
      async () => {
        try {
          return await work();
        } catch (error) {
          throw new AttemptFailure(error);
        }
      },
      {
        retries: options.retries,
        minTimeout: options.backoff?.min ?? 0,
        factor: options.backoff?.factor ?? 2,
        maxTimeout: options.backoff?.max ?? Number.POSITIVE_INFINITY,
        randomize: options.backoff?.randomize ?? false,
        shouldRetry: ({ error }) => options.retryable((error as AttemptFailure).failure),
      },
    );
  } catch (error) {
    throw error instanceof AttemptFailure ? error.failure : error;
  }
}
