import { describe, expect, it } from '@jest/globals';
import {
  advanceConditionWindow,
  conditionWindowInboxKey,
  conditionWindowInboxKeyOf,
  conditionWindowKey,
  isConditionWindowExpired,
  parseConditionWindowInboxKey,
  type ConditionWindow,
  type ConditionWindowSpec,
} from './condition-window.js';

const spec = (timeWindow?: ConditionWindowSpec['timeWindow']): ConditionWindowSpec => ({ namespace: 'n', flowId: 'f', conditionId: 't.pre', timeWindow, conditionIds: ['condition_1', 'condition_2'] });
const at = (iso: string) => new Date(iso);

describe('advanceConditionWindow', () => {
  it('opens the day window (default) and records the conditions met', () => {
    const step = advanceConditionWindow(spec(), undefined, ['condition_1'], at('2026-03-02T10:00:00.500Z'));
    expect(step).toEqual({
      met: false,
      window: { namespace: 'n', flowId: 'f', conditionId: 't.pre', start: Date.parse('2026-03-02T00:00:00Z'), end: Date.parse('2026-03-03T00:00:00Z') - 1, results: { condition_1: true } },
    });
  });

  it('is met once every condition was met within the stored window; a result met again counts once', () => {
    const first = advanceConditionWindow(spec(), undefined, ['condition_1'], at('2026-03-02T10:00:00Z')).window!;
    const again = advanceConditionWindow(spec(), first, ['condition_1'], at('2026-03-02T11:00:00Z'));
    expect(again).toEqual({ met: false, window: first });
    const full = advanceConditionWindow(spec(), first, ['condition_2'], at('2026-03-02T12:00:00Z'));
    expect(full.met).toBe(true);
    // A full window kept (resetOnSuccess: false) is met again only by an execution meeting one of the conditions.
    expect(advanceConditionWindow(spec(), full.window, [], at('2026-03-02T12:30:00Z')).met).toBe(false);
    expect(advanceConditionWindow(spec(), full.window, ['condition_1'], at('2026-03-02T12:30:00Z')).met).toBe(true);
  });

  it('replaces a window that has ended by the one open now, without its results', () => {
    const hourly = spec({ type: 'DURATION_WINDOW', window: 'PT1H', windowAdvance: 'PT15M' });
    const first = advanceConditionWindow(hourly, undefined, ['condition_1'], at('2026-03-02T10:20:00Z')).window!;
    expect([first.start, first.end]).toEqual([Date.parse('2026-03-02T10:15:00Z'), Date.parse('2026-03-02T11:15:00Z') - 1]);
    const next = advanceConditionWindow(hourly, first, ['condition_2'], at('2026-03-02T11:20:00Z'));
    expect(next.met).toBe(false);
    expect(next.window!.results).toEqual({ condition_2: true });
    expect(isConditionWindowExpired(first, at('2026-03-02T11:20:00Z'))).toBe(true);
  });

  it('keeps a sliding window open from the execution that opened it', () => {
    const sliding = spec({ type: 'SLIDING_WINDOW', window: 'PT10M' });
    const first = advanceConditionWindow(sliding, undefined, ['condition_1'], at('2026-03-02T10:00:00Z')).window!;
    expect(first.start).toBe(Date.parse('2026-03-02T10:00:00Z'));
    expect(advanceConditionWindow(sliding, first, ['condition_2'], at('2026-03-02T10:09:59Z')).met).toBe(true);
    expect(advanceConditionWindow(sliding, first, ['condition_2'], at('2026-03-02T10:10:01Z')).met).toBe(false);
  });

  it('evaluates nothing outside a daily window or after a daily deadline', () => {
    const daily = spec({ type: 'DAILY_TIME_WINDOW', startTime: '06:00:00', endTime: '09:00:00' });
    expect(advanceConditionWindow(daily, undefined, ['condition_1', 'condition_2'], at('2026-03-02T10:00:00Z'))).toEqual({ met: false });
    expect(advanceConditionWindow(daily, undefined, ['condition_1', 'condition_2'], at('2026-03-02T07:00:00Z')).met).toBe(true);
    const deadline = spec({ type: 'DAILY_TIME_DEADLINE', deadline: '09:00:00' });
    const morning: ConditionWindow = advanceConditionWindow(deadline, undefined, ['condition_1'], at('2026-03-02T08:00:00Z')).window!;
    expect(advanceConditionWindow(deadline, morning, ['condition_2'], at('2026-03-02T09:30:00Z'))).toEqual({ met: false });
  });
});

describe('conditionWindowInboxKey', () => {
  it('names the triggered flow, is the key of each of its windows, and is never an execution id', () => {
    const key = conditionWindowInboxKey('company.team', 'joined:"x"');
    expect(parseConditionWindowInboxKey(key)).toEqual({ namespace: 'company.team', flowId: 'joined:"x"' });
    expect(conditionWindowInboxKeyOf(conditionWindowKey('company.team', 'joined:"x"', 'trigger.pre'))).toBe(key);
    expect(conditionWindowInboxKey('company.team', 'other')).not.toBe(key);
    expect(parseConditionWindowInboxKey('6zWZc0bGjxrTQHZtLbG0jM')).toBeUndefined();
  });
});
