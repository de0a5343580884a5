import { workerJobTopicOf } from './kafka-worker-job-topics.js';

describe('workerJobTopicOf', () => {
  it('keeps jobs of no group on worker-jobs and puts a group on worker-jobs.<group>', () => {
    expect(workerJobTopicOf('osprey.worker-jobs', undefined)).toBe('osprey.worker-jobs');
    expect(workerJobTopicOf('osprey.worker-jobs', null)).toBe('osprey.worker-jobs');
    expect(workerJobTopicOf('osprey.worker-jobs', 'gpu_1')).toBe('osprey.worker-jobs.gpu_1');
  });

  it('fits a group key too long for a topic name into 249 characters, one topic per key', () => {
    const long = 'g'.repeat(300);
    const a = workerJobTopicOf('osprey.worker-jobs', long);
    const b = workerJobTopicOf('osprey.worker-jobs', `${long}x`);
    expect(a).toHaveLength(249);
    expect(b).toHaveLength(249);
    expect(a).not.toBe(b);
    expect(a.startsWith('osprey.worker-jobs.ggg')).toBe(true);
    expect(a).toMatch(/^[a-zA-Z0-9._-]+$/);
    // A key that fits exactly is kept as is.
    const fits = 'k'.repeat(249 - 'osprey.worker-jobs.'.length);
    expect(workerJobTopicOf('osprey.worker-jobs', fits)).toBe(`osprey.worker-jobs.${fits}`);
  });
});
