import { isScheduleConditionType } from '../flow/condition-types.js';
import type { Condition } from '../flow/flow.js';
import type { Execution } from '../execution/execution.js';
import { evaluateExpression, renderTemplate, type RenderOptions } from '../expression/index.js';
import { isTruthy } from './is-truthy.js';
import { isPublicHoliday } from './public-holiday.js';
import { labelsMap } from './run-variables.js';
import { flag } from '../flow/flag.js';

/** What a condition is evaluated against: the ended execution of a Flow trigger, or a Schedule's dates in `variables.trigger`. */
export interface ConditionContext {
  /** The execution whose end a Flow trigger evaluates; absent for Schedule triggers. */
  execution?: Execution;
  /** The expression variables (`trigger.date`, `outputs`, `flow`, ...). */
  variables: Record<string, unknown>;
  render?: RenderOptions;
  /** Country of a PublicHoliday condition that names none: the server's locale country, as in Kestra. */
  defaultCountry?: string;
}

/** A condition that cannot be evaluated (a date that is no date, a condition missing its bounds). */
export class ConditionEvaluationError extends Error {
  constructor(
    readonly conditionType: string,
    message: string,
  ) {
    super(`${conditionType}: ${message}`);
    this.name = 'ConditionEvaluationError';
  }
}

const DAYS = ['MONDAY', 'TUESDAY', 'WEDNESDAY', 'THURSDAY', 'FRIDAY', 'SATURDAY', 'SUNDAY'];
const MULTIPLE = 'MultipleCondition';

/** The simple name of a condition type, legacy `...Condition` names folded onto the current ones. */
export function conditionName(type: string): string {
  const simple = type.slice(type.lastIndexOf('.') + 1);
  if (simple === 'VariableCondition') return 'Expression';
  return simple !== MULTIPLE && simple.endsWith('Condition') ? simple.slice(0, -'Condition'.length) : simple;
}

export function isScheduleCondition(condition: Condition): boolean {
  return isScheduleConditionType(condition.type);
}

export function isMultipleCondition(condition: Condition): boolean {
  return conditionName(condition.type) === MULTIPLE;
}

/**
 * Whether one condition holds. MultipleCondition is not decided here: it needs the stored window of its
 * earlier results (see precondition-window.ts). Throws ConditionEvaluationError when it cannot be evaluated.
 */
export function conditionHolds(condition: Condition, ctx: ConditionContext): boolean {
  try {
    return evaluate(condition, ctx);
  } catch (error) {
    if (error instanceof ConditionEvaluationError) throw error;
    throw new ConditionEvaluationError(conditionName(condition.type), (error as Error).message);
  }
}

function evaluate(condition: Condition, ctx: ConditionContext): boolean {
  const name = conditionName(condition.type);
  const ended = ctx.execution;
  switch (name) {
    case 'ExecutionStatus': {
      const current = requireExecution(name, ended).state.current;
      const inList = condition.in as string[] | undefined;
      const notIn = condition.notIn as string[] | undefined;
      return (!inList || inList.includes(current)) && (!notIn || !notIn.includes(current));
    }
    case 'ExecutionFlow': {
      const execution = requireExecution(name, ended);
      return condition.namespace === execution.namespace && condition.flowId === execution.flowId;
    }
    case 'ExecutionNamespace': {
      const namespace = requireExecution(name, ended).namespace;
      const ns = String(condition.namespace ?? '');
      const comparison = String(condition.comparison ?? (renderedFlag(name, 'prefix', condition.prefix, ctx) ? 'PREFIX' : 'EQUALS')).toUpperCase();
      if (comparison === 'PREFIX') return namespace.startsWith(ns);
      if (comparison === 'SUFFIX') return namespace.endsWith(ns);
      return namespace === ns;
    }
    case 'ExecutionLabels': {
      const wanted = condition.labels;
      const have = labelsMap(requireExecution(name, ended).labels);
      const pairs = Array.isArray(wanted)
        ? (wanted as { key: string; value: string }[]).map((l) => [l.key, l.value] as const)
        : Object.entries((wanted ?? {}) as Record<string, unknown>);
      return pairs.every(([k, v]) => have[k] === String(v));
    }
    case 'ExecutionOutputs': {
      const outputs = ended?.outputs;
      // No outputs: the expression is not evaluated at all.
      if (!outputs || Object.keys(outputs).length === 0) return false;
      const trigger = { ...((ctx.variables.trigger as Record<string, unknown> | undefined) ?? {}), outputs };
      const text = renderTemplate(String(condition.expression ?? ''), { ...ctx.variables, trigger }, ctx.render).trim();
      return !(text === '' || text === 'false');
    }
    case 'Expression':
      return isTruthy(evaluateExpression(String(condition.expression ?? ''), ctx.variables, ctx.render));
    case 'HasRetryAttempt': {
      const inList = condition.in as string[] | undefined;
      const notIn = condition.notIn as string[] | undefined;
      return requireExecution(name, ended)
        .taskRunList.filter((run) => run.attempts.length > 1)
        .flatMap((run) => run.attempts)
        .some((attempt) => (!inList || inList.includes(attempt.state.current)) && (!notIn || !notIn.includes(attempt.state.current)));
    }
    case 'DayWeek':
      return localDateOf(name, condition, ctx).dayOfWeek === DAYS.indexOf(String(condition.dayOfWeek)) + 1;
    case 'DayWeekInMonth':
      return dayWeekInMonth(name, condition, ctx);
    case 'Weekend':
      return localDateOf(name, condition, ctx).dayOfWeek >= 6;
    case 'DateTimeBetween': {
      const at = instantOf(name, renderDate(condition, ctx));
      return between(name, condition, at.epochMs, (bound, key) => instantOf(name, bound, key).epochMs);
    }
    case 'TimeBetween': {
      // java.time.OffsetTime comparisons: the time of day brought back to UTC, on no particular date.
      const at = instantOf(name, renderDate(condition, ctx));
      return between(name, condition, at.secondOfDay - at.offsetSeconds, (bound, key) => offsetTimeOf(name, bound, key));
    }
    case 'PublicHoliday': {
      const date = localDateOf(name, condition, ctx);
      const country = condition.country === undefined ? ctx.defaultCountry : renderTemplate(String(condition.country), ctx.variables, ctx.render);
      if (!country) throw new ConditionEvaluationError(name, 'no country given and no default country is known');
      const subDivision = condition.subDivision === undefined ? undefined : renderTemplate(String(condition.subDivision), ctx.variables, ctx.render);
      return isPublicHoliday(date.iso, country, subDivision || undefined);
    }
    case 'Not':
      return !((condition.conditions ?? []) as Condition[]).some((c) => conditionHolds(c, ctx));
    case 'Or':
      return ((condition.conditions ?? []) as Condition[]).some((c) => conditionHolds(c, ctx));
    default:
      throw new ConditionEvaluationError(name, 'is not evaluated on its own');
  }
}

/** A Property<Boolean> in Kestra (ExecutionNamespace.prefix): rendered, then true/false or refused by name. */
function renderedFlag(name: string, property: string, value: unknown, ctx: ConditionContext): boolean {
  const text = typeof value === 'string' ? renderTemplate(value, ctx.variables, ctx.render).trim() : value;
  if (text !== undefined && text !== null && text !== true && text !== false && text !== 'true' && text !== 'false') {
    throw new ConditionEvaluationError(name, `${property} must be true or false but rendered '${String(text)}'`);
  }
  return flag(text, false);
}

function requireExecution(name: string, execution: Execution | undefined): Execution {
  if (!execution) throw new ConditionEvaluationError(name, 'needs an execution and a Schedule trigger has none');
  return execution;
}

/** `date` defaults to `{{ trigger.date }}`, as in Kestra. */
function renderDate(condition: Condition, ctx: ConditionContext): string {
  const template = typeof condition.date === 'string' ? condition.date : '{{ trigger.date }}';
  return renderTemplate(template, ctx.variables, ctx.render).trim();
}

interface LocalDate {
  iso: string;
  year: number;
  month: number;
  day: number;
  /** 1 = Monday ... 7 = Sunday. */
  dayOfWeek: number;
}

/** java.time LocalDate.parse, else the local date of a ZonedDateTime.parse (in the offset the text gives). */
function localDateOf(name: string, condition: Condition, ctx: ConditionContext): LocalDate {
  const text = renderDate(condition, ctx);
  const m = /^(\d{4})-(\d{2})-(\d{2})/.exec(text);
  if (!m || (text.length > 10 && !ISO_ZONED.test(text))) throw new ConditionEvaluationError(name, `'${text}' is no date`);
  const [year, month, day] = [Number(m[1]), Number(m[2]), Number(m[3])];
  const weekday = new Date(Date.UTC(year, month - 1, day)).getUTCDay();
  return { iso: `${m[1]}-${m[2]}-${m[3]}`, year, month, day, dayOfWeek: weekday === 0 ? 7 : weekday };
}

function dayWeekInMonth(name: string, condition: Condition, ctx: ConditionContext): boolean {
  const date = localDateOf(name, condition, ctx);
  const wanted = DAYS.indexOf(String(condition.dayOfWeek)) + 1;
  const firstWeekday = ((date.dayOfWeek - 1 - ((date.day - 1) % 7) + 7) % 7) + 1;
  const first = 1 + ((wanted - firstWeekday + 7) % 7);
  const daysInMonth = new Date(Date.UTC(date.year, date.month, 0)).getUTCDate();
  const ordinal = String(condition.dayInMonth);
  const expected =
    ordinal === 'LAST' ? first + 7 * Math.floor((daysInMonth - first) / 7) : first + 7 * ['FIRST', 'SECOND', 'THIRD', 'FOURTH'].indexOf(ordinal);
  if (expected < first) throw new ConditionEvaluationError(name, `invalid dayInMonth '${ordinal}'`);
  return date.day === expected;
}

const ISO_ZONED = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,9}))?)?(Z|[+-]\d{2}:\d{2}(?::\d{2})?)(?:\[[^\]]+\])?$/;

interface Instant {
  epochMs: number;
  /** Seconds since the local midnight, in the text's own offset. */
  secondOfDay: number;
  offsetSeconds: number;
}

/** java.time ZonedDateTime.parse: an ISO date-time with an offset (and an optional `[region]`). */
function instantOf(name: string, text: string, key = 'date'): Instant {
  const m = ISO_ZONED.exec(text);
  if (!m) throw new ConditionEvaluationError(name, `${key} '${text}' is no ISO date-time with an offset`);
  const offsetSeconds = parseOffset(m[8]!);
  const secondOfDay = Number(m[4]) * 3600 + Number(m[5]) * 60 + Number(m[6] ?? 0) + Number(`0.${m[7] ?? '0'}`);
  const localMs = Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3])) + secondOfDay * 1000;
  return { epochMs: localMs - offsetSeconds * 1000, secondOfDay, offsetSeconds };
}

/** java.time OffsetTime.parse (`10:15:30+01:00`), as seconds of the day in UTC. */
function offsetTimeOf(name: string, text: string, key: string): number {
  const m = /^(\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,9}))?)?(Z|[+-]\d{2}:\d{2}(?::\d{2})?)$/.exec(text);
  if (!m) throw new ConditionEvaluationError(name, `${key} '${text}' is no time with an offset (like 10:15:30+01:00)`);
  return Number(m[1]) * 3600 + Number(m[2]) * 60 + Number(m[3] ?? 0) + Number(`0.${m[4] ?? '0'}`) - parseOffset(m[5]!);
}

function parseOffset(text: string): number {
  if (text === 'Z') return 0;
  const [h, m, s] = text.slice(1).split(':').map(Number);
  return (text.startsWith('-') ? -1 : 1) * (h! * 3600 + m! * 60 + (s ?? 0));
}

/** Strictly after `after` and strictly before `before`; at least one of them is required. */
function between(name: string, condition: Condition, value: number, parse: (bound: string, key: string) => number): boolean {
  const after = condition.after === undefined || condition.after === null ? undefined : parse(String(condition.after), 'after');
  const before = condition.before === undefined || condition.before === null ? undefined : parse(String(condition.before), 'before');
  if (after === undefined && before === undefined) throw new ConditionEvaluationError(name, 'needs `after`, `before` or both');
  return (after === undefined || value > after) && (before === undefined || value < before);
}
