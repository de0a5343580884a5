import { z } from 'zod';
import { declaredProperties, indexByName, type PluginDefinition } from './plugin-definition.js';
import { prop } from './property-schema.js';

export type ConditionTypeDefinition<S extends z.ZodRawShape = z.ZodRawShape> = PluginDefinition<S>;

const CORE = 'io.kestra.plugin.core.condition';
const LEGACY = 'io.kestra.core.models.conditions.types';
const CONDITION_TYPE_PROPERTY = prop.string().describe('The condition type.');
const DAYS = ['MONDAY', 'TUESDAY', 'WEDNESDAY', 'THURSDAY', 'FRIDAY', 'SATURDAY', 'SUNDAY'] as const;

/**
 * `simpleName` is the current Kestra name; `legacyName` the `...Condition` class name that Kestra
 * still accepts both in the old `io.kestra.core.models.conditions.types` package and in the new one.
 */
function condition<S extends z.ZodRawShape>(simpleName: string, legacyName: string, shape: S) {
  const aliases = [`${LEGACY}.${legacyName}`];
  if (legacyName !== simpleName) aliases.push(`${CORE}.${legacyName}`);
  return { name: `${CORE}.${simpleName}`, aliases, ...declaredProperties({ type: CONDITION_TYPE_PROPERTY, ...shape }) };
}

export const EXECUTION_STATUS_CONDITION = condition('ExecutionStatus', 'ExecutionStatusCondition', {
  // Matched against states as written: an expression here would never be rendered.
  in: prop.list(undefined, { expressions: false }).optional(),
  notIn: prop.list(undefined, { expressions: false }).optional(),
});
export const EXECUTION_FLOW_CONDITION = condition('ExecutionFlow', 'ExecutionFlowCondition', { namespace: prop.string(), flowId: prop.string() });
export const EXECUTION_NAMESPACE_CONDITION = condition('ExecutionNamespace', 'ExecutionNamespaceCondition', {
  namespace: prop.string(),
  comparison: prop.enumOf(['EQUALS', 'PREFIX', 'SUFFIX']).optional(),
  prefix: prop.boolean().optional(),
});
export const EXECUTION_LABELS_CONDITION = condition('ExecutionLabels', 'ExecutionLabelsCondition', { labels: prop.any() });
export const EXECUTION_OUTPUTS_CONDITION = condition('ExecutionOutputs', 'ExecutionOutputsCondition', { expression: prop.string() });
const expression = condition('Expression', 'VariableCondition', { expression: prop.string() });
// Kestra also knows it as ExpressionCondition in the current package.
export const EXPRESSION_CONDITION = { ...expression, aliases: [...expression.aliases, `${CORE}.ExpressionCondition`] };
export const HAS_RETRY_ATTEMPT_CONDITION = condition('HasRetryAttempt', 'HasRetryAttemptCondition', {
  // Matched against states as written: an expression here would never be rendered.
  in: prop.list(undefined, { expressions: false }).optional(),
  notIn: prop.list(undefined, { expressions: false }).optional(),
});
export const DAY_WEEK_CONDITION = condition('DayWeek', 'DayWeekCondition', { date: prop.string().optional(), dayOfWeek: prop.enumOf(DAYS) });
export const DAY_WEEK_IN_MONTH_CONDITION = condition('DayWeekInMonth', 'DayWeekInMonthCondition', {
  date: prop.string().optional(),
  dayOfWeek: prop.enumOf(DAYS),
  dayInMonth: prop.enumOf(['FIRST', 'LAST', 'SECOND', 'THIRD', 'FOURTH']),
});
export const DATE_TIME_BETWEEN_CONDITION = condition('DateTimeBetween', 'DateTimeBetweenCondition', {
  date: prop.string().optional(),
  after: prop.string().optional(),
  before: prop.string().optional(),
});
export const TIME_BETWEEN_CONDITION = condition('TimeBetween', 'TimeBetweenCondition', {
  date: prop.string().optional(),
  after: prop.string().optional(),
  before: prop.string().optional(),
});
export const WEEKEND_CONDITION = condition('Weekend', 'WeekendCondition', { date: prop.string().optional() });
export const PUBLIC_HOLIDAY_CONDITION = condition('PublicHoliday', 'PublicHolidayCondition', {
  date: prop.string().optional(),
  country: prop.string().optional(),
  subDivision: prop.string().optional(),
});
export const NOT_CONDITION = condition('Not', 'NotCondition', { conditions: prop.conditions() });
export const OR_CONDITION = condition('Or', 'OrCondition', { conditions: prop.conditions() });
export const MULTIPLE_CONDITION = condition('MultipleCondition', 'MultipleCondition', {
  id: prop.string().optional(),
  window: prop.duration().optional(),
  windowAdvance: prop.duration().optional(),
  timeWindow: prop.map().optional(),
  resetOnSuccess: prop.boolean().optional(),
  conditions: prop.conditionMap(),
});

/** Every trigger condition type Osprey supports, by canonical name. */
export const CONDITION_TYPES: readonly ConditionTypeDefinition[] = [
  EXECUTION_STATUS_CONDITION,
  EXECUTION_FLOW_CONDITION,
  EXECUTION_NAMESPACE_CONDITION,
  EXECUTION_LABELS_CONDITION,
  EXECUTION_OUTPUTS_CONDITION,
  EXPRESSION_CONDITION,
  HAS_RETRY_ATTEMPT_CONDITION,
  DAY_WEEK_CONDITION,
  DAY_WEEK_IN_MONTH_CONDITION,
  DATE_TIME_BETWEEN_CONDITION,
  TIME_BETWEEN_CONDITION,
  WEEKEND_CONDITION,
  PUBLIC_HOLIDAY_CONDITION,
  NOT_CONDITION,
  OR_CONDITION,
  MULTIPLE_CONDITION,
];

const BY_NAME = indexByName(CONDITION_TYPES);

/** The conditions a Schedule trigger evaluates on its occurrence (Kestra's ScheduleCondition); the others concern an ended execution. */
const SCHEDULE_CONDITIONS = new Set(
  ['DateTimeBetween', 'DayWeek', 'DayWeekInMonth', 'ExecutionOutputs', 'Expression', 'Not', 'Or', 'PublicHoliday', 'TimeBetween', 'Weekend'].map((n) => `${CORE}.${n}`),
);

export function isScheduleConditionType(type: string): boolean {
  const definition = resolveConditionType(type);
  return definition !== undefined && SCHEDULE_CONDITIONS.has(definition.name);
}

/** Finds a condition type by canonical name or legacy alias. */
export function resolveConditionType(type: string): ConditionTypeDefinition | undefined {
  return BY_NAME.get(type);
}
