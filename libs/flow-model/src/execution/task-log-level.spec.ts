import { describe, expect, it } from '@jest/globals';
import { isLogRecorded, taskLogLevel } from './task-log-level.js';

describe('task logLevel', () => {
  it('reads the level regardless of case, and nothing when the task sets none', () => {
    expect(taskLogLevel({ logLevel: 'warn' })).toBe('WARN');
    expect(taskLogLevel({})).toBeUndefined();
  });

  it('records the lines at or above the level only', () => {
    expect(['TRACE', 'DEBUG', 'INFO', 'WARN', 'ERROR'].map((level) => isLogRecorded(level as 'INFO', 'WARN'))).toEqual([false, false, false, true, true]);
    expect(isLogRecorded('TRACE', undefined)).toBe(true);
  });
});
