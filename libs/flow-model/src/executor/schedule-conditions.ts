import type { Condition, Trigger } from '../flow/flow.js';
import { parseDuration } from '../flow/duration.js';
import type { RenderOptions } from '../expression/index.js';
import { UTC, ZonedDateTime, zoneOf } from '../expression/zoned-date-time.js';
import { conditionHolds, isScheduleCondition } from './trigger-condition.js';

/** One occurrence of a Schedule trigger. */
export interface ScheduleOccurrence {
  date: Date;
  next?: Date;
  previous?: Date;
}

export interface ScheduleConditionOptions {
  render?: RenderOptions;
  /** Country of PublicHoliday conditions that name none. */
  defaultCountry?: string;
}

/** A Schedule's `conditions` and deprecated `scheduleConditions`, as Kestra merges them. */
export function scheduleConditionsOf(trigger: Trigger): Condition[] {
  return [...((trigger.conditions ?? []) as Condition[]), ...((trigger.scheduleConditions ?? []) as Condition[])];
}

/**
 * Whether a Schedule fires at an occurrence: all its conditions hold with `trigger.date`, `trigger.next` and
 * `trigger.previous` (also `schedule.*`) written in the trigger's time zone, so DayWeek or TimeBetween see the local
 * date and time. Throws ConditionEvaluationError when a condition cannot be evaluated.
 */
export function scheduleOccurrenceHolds(trigger: Trigger, occurrence: ScheduleOccurrence, options: ScheduleConditionOptions = {}): boolean {
  const conditions = scheduleConditionsOf(trigger).filter(isScheduleCondition);
  if (conditions.length === 0) return true;
  const zone = typeof trigger.timezone === 'string' ? zoneOf(trigger.timezone) : UTC;
  const text = (d: Date | undefined) => (d ? ZonedDateTime.ofEpochMilli(d.getTime(), zone).toString() : undefined);
  const dates = { date: text(occurrence.date), next: text(occurrence.next), previous: text(occurrence.previous) };
  const ctx = { variables: { trigger: dates, schedule: dates }, render: options.render, defaultCountry: options.defaultCountry };
  return conditions.every((condition) => conditionHolds(condition, ctx));
}

/** An occurrence later than the trigger's `lateMaximumDelay` at `now` is skipped rather than fired late. */
export function isTooLate(trigger: Trigger, date: Date, now: Date): boolean {
  if (typeof trigger.lateMaximumDelay !== 'string') return false;
  return date.getTime() + parseDuration(trigger.lateMaximumDelay) < now.getTime();
}
