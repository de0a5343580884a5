import { conditionWindowAt, isWindowOpen } from './precondition-window.js';

const iso = (ms: number) => new Date(ms).toISOString();
const at = (text: string) => new Date(text);

describe('precondition windows', () => {
  it('DURATION_WINDOW defaults to the current day, aligned on midnight', () => {
    const w = conditionWindowAt(undefined, at('2026-03-02T10:37:12.345Z'));
    expect([iso(w.start), iso(w.end)]).toEqual(['2026-03-02T00:00:00.000Z', '2026-03-02T23:59:59.999Z']);
  });

  it('DURATION_WINDOW aligns shorter windows on their length and shifts them by windowAdvance', () => {
    const quarter = conditionWindowAt({ window: 'PT15M' }, at('2026-03-02T10:37:12Z'));
    expect([iso(quarter.start), iso(quarter.end)]).toEqual(['2026-03-02T10:30:00.000Z', '2026-03-02T10:44:59.999Z']);
    const sixHours = conditionWindowAt({ window: 'PT6H', windowAdvance: 'PT6H' }, at('2026-03-02T10:37:12Z'));
    expect(iso(sixHours.start)).toBe('2026-03-02T16:00:00.000Z');
    // A window advanced past now is not open yet: nothing is evaluated before it starts.
    expect(isWindowOpen(sixHours, at('2026-03-02T10:37:12Z'))).toBe(false);
  });

  it('SLIDING_WINDOW starts now', () => {
    const w = conditionWindowAt({ type: 'SLIDING_WINDOW', window: 'PT1H' }, at('2026-03-02T10:37:12.345Z'));
    expect([iso(w.start), iso(w.end)]).toEqual(['2026-03-02T10:37:12.000Z', '2026-03-02T11:37:12.000Z']);
  });

  it('DAILY_TIME_WINDOW and DAILY_TIME_DEADLINE are open only in their part of the day', () => {
    const daily = { type: 'DAILY_TIME_WINDOW', startTime: '06:00:00', endTime: '09:00:00' };
    expect(isWindowOpen(conditionWindowAt(daily, at('2026-03-02T07:00:00Z')), at('2026-03-02T07:00:00Z'))).toBe(true);
    expect(isWindowOpen(conditionWindowAt(daily, at('2026-03-02T10:00:00Z')), at('2026-03-02T10:00:00Z'))).toBe(false);
    const deadline = { type: 'DAILY_TIME_DEADLINE', deadline: '09:00:00' };
    expect(isWindowOpen(conditionWindowAt(deadline, at('2026-03-02T08:59:00Z')), at('2026-03-02T08:59:00Z'))).toBe(true);
    expect(isWindowOpen(conditionWindowAt(deadline, at('2026-03-02T09:01:00Z')), at('2026-03-02T09:01:00Z'))).toBe(false);
  });
});
