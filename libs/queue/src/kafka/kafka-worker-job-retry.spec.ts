import { retryWhileTopicsSettle } from './kafka-worker-job-retry.js';

/** A request that fails with each of `errors` in turn, then answers `value`. */
function failing<T>(errors: Error[], value: T): { request: () => Promise<T>; calls: () => number } {
  let calls = 0;
  return {
    request: async () => {
      const error = errors[calls++];
      if (error) throw error;
      return value;
    },
    calls: () => calls,
  };
}

describe('retryWhileTopicsSettle', () => {
  it('retries what a fresh topic answers for a moment, until the answer comes', async () => {
    const retriable = Object.assign(new Error('some broker error'), { retriable: true });
    const { request, calls } = failing([new Error('This server is not the leader for that topic-partition'), new Error('This server does not host this topic-partition'), retriable], 'offsets');
    await expect(retryWhileTopicsSettle(request)).resolves.toBe('offsets');
    expect(calls()).toBe(4);
  });

  it('fails at once on another error', async () => {
    const { request, calls } = failing([new Error('Topic authorization failed')], 'offsets');
    await expect(retryWhileTopicsSettle(request)).rejects.toThrow('Topic authorization failed');
    expect(calls()).toBe(1);
  });

  it('fails with the last error once the topics have had their time', async () => {
    const settling = Array.from({ length: 1000 }, () => new Error('There is no leader for this topic-partition'));
    const { request, calls } = failing(settling, 'offsets');
    await expect(retryWhileTopicsSettle(request, 0)).rejects.toThrow('no leader');
    expect(calls()).toBe(1);
  });
});
