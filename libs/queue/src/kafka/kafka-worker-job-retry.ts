import pRetry from 'p-retry';

/** The waits between attempts while fresh topics settle: doubling from min to max. */
const SETTLE_BACKOFF_MS = { min: 50, max: 500 };
const SETTLE_TIMEOUT_MS = 10_000;

/**
 * Retries a metadata or offset request that a fresh topic answers with "not the leader" / "does not host this
 * topic-partition" for a moment after its creation (kafkajs does not refresh its metadata for these by itself).
 */
export function retryWhileTopicsSettle<T>(request: () => Promise<T>, timeoutMs = SETTLE_TIMEOUT_MS): Promise<T> {
  return pRetry(request, {
    retries: Infinity,
    minTimeout: SETTLE_BACKOFF_MS.min,
    maxTimeout: SETTLE_BACKOFF_MS.max,
    maxRetryTime: timeoutMs,
    shouldRetry: ({ error }) => isSettling(error),
  });
}

function isSettling(error: Error): boolean {
  return (error as { retriable?: boolean }).retriable === true || /leader|does not host|not available/i.test(error.message);
}
