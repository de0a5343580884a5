import type { Condition } from '../flow/flow.js';
import type { Execution, TaskRun } from '../execution/execution.js';
import { newState, type StateType } from '../execution/state.js';
import { conditionHolds, ConditionEvaluationError, isScheduleCondition, type ConditionContext } from './trigger-condition.js';

const CORE = 'io.kestra.plugin.core.condition';
const at = new Date('2026-03-02T10:00:00.000Z');

function execution(overrides: Partial<Execution> = {}): Execution {
  return { id: 'e1', namespace: 'company.team', flowId: 'upstream', flowRevision: 1, state: newState(at, 'SUCCESS'), labels: [], inputs: {}, taskRunList: [], version: 1, ...overrides };
}

/** A Schedule's context: its occurrence is `trigger.date`. */
function scheduled(date: string): ConditionContext {
  return { variables: { trigger: { date } } };
}

function holds(condition: Condition, ctx: ConditionContext): boolean {
  return conditionHolds(condition, ctx);
}

describe('trigger conditions', () => {
  it('ExecutionNamespace reads prefix given as the text "true" or "false", as Kestra does', () => {
    const ctx = { execution: execution({ namespace: 'company.team.sales' }), variables: {} };
    expect(holds({ type: `${CORE}.ExecutionNamespace`, namespace: 'company', prefix: 'true' }, ctx)).toBe(true);
    expect(holds({ type: `${CORE}.ExecutionNamespace`, namespace: 'company', prefix: 'false' }, ctx)).toBe(false);
  });

  it('ExecutionNamespace renders prefix, a property Kestra renders, and refuses what is not true or false', () => {
    const ctx = { execution: execution({ namespace: 'company.team.sales' }), variables: { vars: { byPrefix: true } } };
    expect(holds({ type: `${CORE}.ExecutionNamespace`, namespace: 'company', prefix: '{{ vars.byPrefix }}' }, ctx)).toBe(true);
    expect(holds({ type: `${CORE}.ExecutionNamespace`, namespace: 'company', prefix: '{{ not vars.byPrefix }}' }, ctx)).toBe(false);
    expect(() => holds({ type: `${CORE}.ExecutionNamespace`, namespace: 'company', prefix: '{{ "yes" }}' }, ctx)).toThrow(/prefix must be true or false but rendered 'yes'/);
  });

  it('DayWeek compares the day of the date in the offset it is written with', () => {
    const monday = { type: `${CORE}.DayWeek`, dayOfWeek: 'MONDAY' };
    expect(holds(monday, scheduled('2026-03-02T10:00:00Z'))).toBe(true);
    expect(holds(monday, scheduled('2026-03-03T10:00:00Z'))).toBe(false);
    // Sunday 23:30 in UTC is Monday 00:30 in Paris: the date as given decides.
    expect(holds(monday, scheduled('2026-03-02T00:30:00+01:00[Europe/Paris]'))).toBe(true);
    expect(holds(monday, scheduled('2026-03-01T23:30:00Z'))).toBe(false);
    expect(holds({ ...monday, date: '2026-03-09' }, scheduled('2026-03-03T10:00:00Z'))).toBe(true);
  });

  it('DayWeekInMonth finds the first, second, third, fourth and last such day of the month', () => {
    const check = (date: string, dayInMonth: string) => holds({ type: `${CORE}.DayWeekInMonth`, dayOfWeek: 'MONDAY', dayInMonth }, scheduled(date));
    expect(check('2026-03-02T08:00:00Z', 'FIRST')).toBe(true);
    expect(check('2026-03-09T08:00:00Z', 'FIRST')).toBe(false);
    expect(check('2026-03-09T08:00:00Z', 'SECOND')).toBe(true);
    expect(check('2026-03-16T08:00:00Z', 'THIRD')).toBe(true);
    expect(check('2026-03-23T08:00:00Z', 'FOURTH')).toBe(true);
    expect(check('2026-03-30T08:00:00Z', 'LAST')).toBe(true);
    expect(check('2026-03-23T08:00:00Z', 'LAST')).toBe(false);
    expect(check('2026-06-01T08:00:00Z', 'FIRST')).toBe(true);
  });

  it('Weekend holds on Saturdays and Sundays only', () => {
    const weekend = { type: `${CORE}.Weekend` };
    expect(holds(weekend, scheduled('2026-03-07T12:00:00Z'))).toBe(true);
    expect(holds(weekend, scheduled('2026-03-08T12:00:00Z'))).toBe(true);
    expect(holds(weekend, scheduled('2026-03-09T12:00:00Z'))).toBe(false);
    expect(holds({ type: 'io.kestra.core.models.conditions.types.WeekendCondition' }, scheduled('2026-03-09T12:00:00Z'))).toBe(false);
  });

  it('DateTimeBetween is strictly between its bounds, either one optional', () => {
    const ctx = scheduled('2026-03-02T10:00:00Z');
    expect(holds({ type: `${CORE}.DateTimeBetween`, after: '2026-03-01T00:00:00Z', before: '2026-03-03T00:00:00Z' }, ctx)).toBe(true);
    expect(holds({ type: `${CORE}.DateTimeBetween`, after: '2026-03-02T10:00:00Z' }, ctx)).toBe(false);
    // 12:00 at +02:00 is the same instant as 10:00 UTC: not strictly before it.
    expect(holds({ type: `${CORE}.DateTimeBetween`, before: '2026-03-02T12:00:00+02:00' }, ctx)).toBe(false);
    expect(holds({ type: `${CORE}.DateTimeBetween`, before: '2026-03-02T12:00:01+02:00' }, ctx)).toBe(true);
    expect(holds({ type: `${CORE}.DateTimeBetween`, after: '2026-03-02T11:00:00+02:00' }, ctx)).toBe(true);
    expect(() => holds({ type: `${CORE}.DateTimeBetween` }, ctx)).toThrow(ConditionEvaluationError);
  });

  it('TimeBetween compares times of day with their offsets', () => {
    const ctx = scheduled('2026-03-02T10:00:00Z');
    expect(holds({ type: `${CORE}.TimeBetween`, after: '09:00:00Z', before: '11:00:00Z' }, ctx)).toBe(true);
    expect(holds({ type: `${CORE}.TimeBetween`, after: '10:30:00Z' }, ctx)).toBe(false);
    // 11:30 in Paris (+01:00) is 10:30 UTC: 10:00 UTC is before it.
    expect(holds({ type: `${CORE}.TimeBetween`, before: '11:30:00+01:00' }, ctx)).toBe(true);
    expect(holds({ type: `${CORE}.TimeBetween`, before: '10:30:00+01:00' }, ctx)).toBe(false);
    expect(() => holds({ type: `${CORE}.TimeBetween`, after: '09:00' }, ctx)).toThrow(/no time with an offset/);
  });

  it('PublicHoliday reads the country and subdivision calendars', () => {
    const holiday = { type: `${CORE}.PublicHoliday`, country: 'FR' };
    expect(holds(holiday, scheduled('2026-07-14T10:00:00Z'))).toBe(true);
    expect(holds(holiday, scheduled('2026-07-15T10:00:00Z'))).toBe(false);
    // Epiphany is a holiday in Bavaria, not in Germany as a whole.
    expect(holds({ type: `${CORE}.PublicHoliday`, country: 'DE' }, scheduled('2026-01-06T10:00:00Z'))).toBe(false);
    expect(holds({ type: `${CORE}.PublicHoliday`, country: 'DE', subDivision: 'BY' }, scheduled('2026-01-06T10:00:00Z'))).toBe(true);
    expect(holds({ type: `${CORE}.PublicHoliday` }, { ...scheduled('2026-12-25T10:00:00Z'), defaultCountry: 'US' })).toBe(true);
    expect(() => holds({ type: `${CORE}.PublicHoliday`, country: 'XX' }, scheduled('2026-12-25T10:00:00Z'))).toThrow(/unknown country/);
    expect(() => holds({ type: `${CORE}.PublicHoliday` }, scheduled('2026-12-25T10:00:00Z'))).toThrow(/no country/);
  });

  it('ExecutionOutputs renders its expression with trigger.outputs, and is false without outputs', () => {
    const condition = { type: `${CORE}.ExecutionOutputs`, expression: "{{ trigger.outputs.status == 'ok' }}" };
    expect(holds(condition, { execution: execution({ outputs: { status: 'ok' } }), variables: {} })).toBe(true);
    expect(holds(condition, { execution: execution({ outputs: { status: 'ko' } }), variables: {} })).toBe(false);
    expect(holds(condition, { execution: execution(), variables: {} })).toBe(false);
    expect(holds(condition, scheduled('2026-03-02T10:00:00Z'))).toBe(false);
  });

  it('HasRetryAttempt looks at the attempts of task runs that were retried', () => {
    const run = (states: StateType[]): TaskRun => ({
      id: 'r', executionId: 'e1', namespace: 'company.team', flowId: 'upstream', taskId: 't', state: newState(at, states.at(-1)!),
      attempts: states.map((s) => ({ state: newState(at, s) })),
    });
    const retried = execution({ taskRunList: [run(['FAILED', 'SUCCESS'])] });
    const once = execution({ taskRunList: [run(['FAILED'])] });
    expect(holds({ type: `${CORE}.HasRetryAttempt` }, { execution: retried, variables: {} })).toBe(true);
    expect(holds({ type: `${CORE}.HasRetryAttempt` }, { execution: once, variables: {} })).toBe(false);
    expect(holds({ type: `${CORE}.HasRetryAttempt`, in: ['KILLED'] }, { execution: retried, variables: {} })).toBe(false);
    expect(holds({ type: `${CORE}.HasRetryAttempt`, notIn: ['FAILED'] }, { execution: retried, variables: {} })).toBe(true);
  });

  it('a date that is not one makes the condition unevaluable, never true', () => {
    expect(() => holds({ type: `${CORE}.DayWeek`, dayOfWeek: 'MONDAY' }, scheduled('tomorrow'))).toThrow(ConditionEvaluationError);
    expect(() => holds({ type: `${CORE}.ExecutionStatus`, in: ['SUCCESS'] }, scheduled('2026-03-02T10:00:00Z'))).toThrow(/needs an execution/);
  });

  it('tells the conditions a Schedule evaluates from those on an ended execution', () => {
    expect(isScheduleCondition({ type: `${CORE}.DayWeek` })).toBe(true);
    expect(isScheduleCondition({ type: 'io.kestra.core.models.conditions.types.DayWeekInMonthCondition' })).toBe(true);
    expect(isScheduleCondition({ type: `${CORE}.ExecutionStatus` })).toBe(false);
    expect(isScheduleCondition({ type: `${CORE}.HasRetryAttempt` })).toBe(false);
  });
});
