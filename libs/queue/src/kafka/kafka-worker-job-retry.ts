/**
 * Retries a metadata or offset request that a fresh topic answers with "not the leader" / "does not host this
 * topic-partition" for a moment after its creation (kafkajs does not refresh its metadata for these by itself).
 */
export async function retryWhileTopicsSettle<T>(request: () => Promise<T>, timeoutMs = 10_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (let wait = 50; ; wait = Math.min(wait * 2, 500)) {
    try {
      return await request();
    } catch (error) {
      const retriable = (error as { retriable?: boolean }).retriable === true || /leader|does not host|not available/i.test(String((error as Error).message));
      if (!retriable || Date.now() + wait > deadline) throw error;
      await new Promise((resolve) => setTimeout(resolve, wait));
    }
  }
}
