import { parseFlow } from './parse-flow.js';
import { nextScheduledDate, zonedDateProblem } from './schedule-dates.js';
import { resolveConditionType } from './condition-types.js';
import { resolveTaskType } from './task-types.js';
import { resolveTriggerType } from './trigger-types.js';

const onDates = (props: string) =>
  `id: f\nnamespace: io.osprey.tests\ntasks:\n  - id: log\n    type: io.kestra.plugin.core.log.Log\n    message: hi\ntriggers:\n  - id: dates\n    type: io.kestra.plugin.core.trigger.ScheduleOnDates\n${props}`;

describe('ScheduleOnDates dates', () => {
  it('gives the first date strictly after an instant, whatever the order and offsets, truncated to the second', () => {
    const dates = ['2026-05-01T12:00:00+02:00', '2026-05-01T09:00:00.750Z', '2026-04-30T23:00:00Z[Europe/Paris]'];
    expect(nextScheduledDate(dates, new Date('2026-04-01T00:00:00Z'))?.toISOString()).toBe('2026-04-30T23:00:00.000Z');
    expect(nextScheduledDate(dates, new Date('2026-04-30T23:00:00Z'))?.toISOString()).toBe('2026-05-01T09:00:00.000Z');
    expect(nextScheduledDate(dates, new Date('2026-05-01T09:30:00Z'))?.toISOString()).toBe('2026-05-01T10:00:00.000Z');
    expect(nextScheduledDate(dates, new Date('2026-05-01T10:00:00Z'))).toBeUndefined();
  });

  it('accepts only date-times with an offset', () => {
    expect(zonedDateProblem('2026-05-01T12:00:00+02:00')).toBeUndefined();
    expect(zonedDateProblem('2026-05-01T12:00Z')).toBeUndefined();
    expect(zonedDateProblem('2026-05-01T12:00:00')).toMatch(/with its offset/);
    expect(zonedDateProblem('2026-05-01')).toMatch(/with its offset/);
    expect(zonedDateProblem('2026-13-45T12:00:00Z')).toMatch(/with its offset/);
  });

  it('refuses, with path and line, a date without offset, an expression for the list, a bad time zone and unknown properties', () => {
    expect(() => parseFlow(onDates('    dates:\n      - 2026-05-01T12:00:00Z\n      - 2026-05-01T12:00:00\n'))).toThrow(/<flow>:12:\d+: triggers\[0\]\.dates\[1\]: expected an ISO-8601 date-time with its offset/);
    expect(() => parseFlow(onDates('    dates: "{{ [now()] }}"\n'))).toThrow(/triggers\[0\]\.dates: expected a list/);
    expect(() => parseFlow(onDates('    timezone: Mars/Olympus\n    dates: [2026-05-01T12:00:00Z]\n'))).toThrow(/triggers\[0\]\.timezone: unknown time zone 'Mars\/Olympus'/);
    expect(() => parseFlow(onDates('    cron: "* * * * *"\n    dates: [2026-05-01T12:00:00Z]\n'))).toThrow(/triggers\[0\]\.cron/);
    expect(() => parseFlow(onDates(''))).toThrow(/triggers\[0\]\.dates/);
    expect(parseFlow(onDates('    timezone: Europe/Paris\n    recoverMissedSchedules: LAST\n    dates: [2026-05-01T12:00:00Z]\n')).triggers).toHaveLength(1);
  });
});

describe("Kestra's older type names", () => {
  it('ExpressionCondition is the Expression condition, and Worker the WorkingDirectory task', () => {
    expect(resolveConditionType('io.kestra.plugin.core.condition.ExpressionCondition')?.name).toBe('io.kestra.plugin.core.condition.Expression');
    expect(resolveConditionType('io.kestra.core.models.conditions.types.VariableCondition')?.name).toBe('io.kestra.plugin.core.condition.Expression');
    expect(resolveTaskType('io.kestra.core.tasks.flows.Worker')?.name).toBe('io.kestra.plugin.core.flow.WorkingDirectory');
    expect(resolveTaskType('io.kestra.plugin.core.flow.WaitFor')?.name).toBe('io.kestra.plugin.core.flow.LoopUntil');
    expect(resolveTriggerType('io.kestra.plugin.core.trigger.ScheduleOnDates')?.name).toBe('io.kestra.plugin.core.trigger.ScheduleOnDates');
  });
});
