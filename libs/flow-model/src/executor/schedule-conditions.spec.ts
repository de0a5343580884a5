import type { Trigger } from '../flow/flow.js';
import { isTooLate, scheduleOccurrenceHolds } from './schedule-conditions.js';

const schedule = (extra: Partial<Trigger>): Trigger => ({ id: 's', type: 'io.kestra.plugin.core.trigger.Schedule', cron: '0 * * * *', ...extra });

describe('Schedule conditions', () => {
  it('evaluates conditions and scheduleConditions on the occurrence date', () => {
    const weekdays = schedule({ conditions: [{ type: 'io.kestra.plugin.core.condition.Not', conditions: [{ type: 'io.kestra.plugin.core.condition.Weekend' }] }] });
    expect(scheduleOccurrenceHolds(weekdays, { date: new Date('2026-03-02T10:00:00Z') })).toBe(true);
    expect(scheduleOccurrenceHolds(weekdays, { date: new Date('2026-03-07T10:00:00Z') })).toBe(false);
    const legacy = schedule({ scheduleConditions: [{ type: 'io.kestra.core.models.conditions.types.DayWeekCondition', dayOfWeek: 'SATURDAY' }] });
    expect(scheduleOccurrenceHolds(legacy, { date: new Date('2026-03-07T10:00:00Z') })).toBe(true);
  });

  it('sees the occurrence in the trigger time zone', () => {
    const monday = schedule({ timezone: 'Europe/Paris', conditions: [{ type: 'io.kestra.plugin.core.condition.DayWeek', dayOfWeek: 'MONDAY' }] });
    // Sunday 23:30 UTC is Monday 00:30 in Paris.
    expect(scheduleOccurrenceHolds(monday, { date: new Date('2026-03-01T23:30:00Z') })).toBe(true);
    expect(scheduleOccurrenceHolds(schedule({ conditions: monday.conditions }), { date: new Date('2026-03-01T23:30:00Z') })).toBe(false);
    const morning = schedule({ timezone: 'Europe/Paris', conditions: [{ type: 'io.kestra.plugin.core.condition.TimeBetween', after: '08:00:00+01:00', before: '12:00:00+01:00' }] });
    expect(scheduleOccurrenceHolds(morning, { date: new Date('2026-03-02T09:00:00Z') })).toBe(true);
    expect(scheduleOccurrenceHolds(morning, { date: new Date('2026-03-02T12:00:00Z') })).toBe(false);
  });

  it('lateMaximumDelay makes an occurrence too late once it is exceeded', () => {
    const late = schedule({ lateMaximumDelay: 'PT10M' });
    expect(isTooLate(late, new Date('2026-03-02T10:00:00Z'), new Date('2026-03-02T10:05:00Z'))).toBe(false);
    expect(isTooLate(late, new Date('2026-03-02T10:00:00Z'), new Date('2026-03-02T10:11:00Z'))).toBe(true);
    expect(isTooLate(schedule({}), new Date('2020-01-01T00:00:00Z'), new Date('2026-03-02T10:11:00Z'))).toBe(false);
  });
});
