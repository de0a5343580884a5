import type { TriggerState } from '@osprey/repository';
import { initialPollingState, nextPollDate, pollingStep, polledState } from './polling-state.js';

const now = new Date('2026-03-02T10:00:00Z');
const base: TriggerState = { namespace: 'n', flowId: 'f', triggerId: 't', nextDate: '2026-03-02T09:59:00.000Z', disabled: false, updated: '2026-03-02T09:58:00.000Z' };

describe('polling trigger state', () => {
  it('is first due one interval after it was deployed', () => {
    expect(initialPollingState('n', 'f', 't', false, now, 30_000)).toEqual({ namespace: 'n', flowId: 'f', triggerId: 't', nextDate: '2026-03-02T10:00:30.000Z', disabled: false, updated: now.toISOString() });
    expect(nextPollDate(now, 60_000)).toBe('2026-03-02T10:01:00.000Z');
  });

  it('polls a due trigger that runs no execution', () => {
    expect(pollingStep(base, undefined, [], now, 60_000)).toEqual({ kind: 'evaluate', state: base });
  });

  it('waits one interval while the execution it started is not stored yet or not ended', () => {
    const running = { ...base, executionId: 'e1' };
    for (const state of [undefined, 'CREATED', 'RUNNING', 'PAUSED'] as const) {
      expect(pollingStep(running, state, ['FAILED'], now, 60_000)).toEqual({ kind: 'wait', state: { ...running, nextDate: '2026-03-02T10:01:00.000Z', updated: now.toISOString() } });
    }
  });

  it('polls again once its execution ended in a state that is not one of stopAfter', () => {
    expect(pollingStep({ ...base, executionId: 'e1' }, 'SUCCESS', ['FAILED'], now, 60_000)).toEqual({ kind: 'evaluate', state: { ...base, executionId: undefined } });
  });

  it('is disabled when its execution ended in one of stopAfter, and then waits', () => {
    const step = pollingStep({ ...base, executionId: 'e1' }, 'FAILED', ['SUCCESS', 'FAILED'], now, 60_000);
    expect(step).toEqual({ kind: 'wait', state: { ...base, executionId: undefined, disabled: true, nextDate: '2026-03-02T10:01:00.000Z', updated: now.toISOString() } });
  });

  it('does not poll a disabled trigger', () => {
    expect(pollingStep({ ...base, disabled: true }, undefined, [], now, 60_000).kind).toBe('wait');
  });

  it('stores the next evaluation date and the execution it started', () => {
    expect(polledState(base, now, 60_000, undefined)).toEqual({ ...base, nextDate: '2026-03-02T10:01:00.000Z', updated: now.toISOString() });
    expect(polledState(base, now, 60_000, 'e2')).toEqual({ ...base, nextDate: '2026-03-02T10:01:00.000Z', executionId: 'e2', lastDate: now.toISOString(), updated: now.toISOString() });
  });
});
