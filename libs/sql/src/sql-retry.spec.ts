import { retrySql } from './sql-retry.js';

describe('retrySql', () => {
  it('runs the work again while its error is retryable, up to the retries', async () => {
    let calls = 0;
    const deadlock = { code: 'ER_LOCK_DEADLOCK' };
    const result = await retrySql(
      async () => {
        if (++calls < 3) throw deadlock;
        return 'committed';
      },
      { retries: 5, retryable: (error) => error === deadlock, backoff: { min: 1, max: 2, randomize: true } },
    );
    expect(result).toBe('committed');
    expect(calls).toBe(3);
  });

  it('throws the work\'s own error, unchanged, whether it is an Error or not', async () => {
    const notAnError = { code: 'SQLITE_CONSTRAINT_PRIMARYKEY', message: 'from another realm' };
    await expect(retrySql(() => Promise.reject(notAnError), { retries: 2, retryable: () => false })).rejects.toBe(notAnError);
    const typeError = new TypeError('a driver bug');
    await expect(retrySql(() => Promise.reject(typeError), { retries: 2, retryable: () => true })).rejects.toBe(typeError);
  });

  it('gives up after the retries with the last attempt\'s error', async () => {
    let calls = 0;
    const errors = [new Error('first'), new Error('second'), new Error('third')];
    await expect(retrySql(() => Promise.reject(errors[calls++]), { retries: 2, retryable: () => true })).rejects.toBe(errors[2]);
    expect(calls).toBe(3);
  });
});
