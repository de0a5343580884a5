import { indexByName, properties, requiredProperties, type PluginDefinition, type PropertyShorthand } from './plugin-definition.js';

export type ConditionTypeDefinition = PluginDefinition;

const CORE = 'io.kestra.plugin.core.condition';
const LEGACY = 'io.kestra.core.models.conditions.types';
const DAYS = ['MONDAY', 'TUESDAY', 'WEDNESDAY', 'THURSDAY', 'FRIDAY', 'SATURDAY', 'SUNDAY'];

/**
 * `simpleName` is the current Kestra name; `legacyName` the `...Condition` class name that Kestra
 * still accepts both in the old `io.kestra.core.models.conditions.types` package and in the new one.
 */
function condition(simpleName: string, legacyName: string, shorthand: Record<string, PropertyShorthand>): ConditionTypeDefinition {
  const props = properties({ type: 'string!', ...shorthand });
  const aliases = [`${LEGACY}.${legacyName}`];
  if (legacyName !== simpleName) aliases.push(`${CORE}.${legacyName}`);
  return { name: `${CORE}.${simpleName}`, aliases, properties: props, required: requiredProperties(props) };
}

/** Every trigger condition type Osprey supports, by canonical name. */
export const CONDITION_TYPES: readonly ConditionTypeDefinition[] = [
  condition('ExecutionStatus', 'ExecutionStatusCondition', { in: 'list', notIn: 'list' }),
  condition('ExecutionFlow', 'ExecutionFlowCondition', { namespace: 'string!', flowId: 'string!' }),
  condition('ExecutionNamespace', 'ExecutionNamespaceCondition', {
    namespace: 'string!',
    comparison: { type: 'string', values: ['EQUALS', 'PREFIX', 'SUFFIX'] },
    prefix: 'boolean',
  }),
  condition('ExecutionLabels', 'ExecutionLabelsCondition', { labels: 'any!' }),
  condition('ExecutionOutputs', 'ExecutionOutputsCondition', { expression: 'string!' }),
  condition('Expression', 'VariableCondition', { expression: 'string!' }),
  condition('HasRetryAttempt', 'HasRetryAttemptCondition', { in: 'list', notIn: 'list' }),
  condition('DayWeek', 'DayWeekCondition', { date: 'string', dayOfWeek: { type: 'string', required: true, values: DAYS } }),
  condition('DayWeekInMonth', 'DayWeekInMonthCondition', {
    date: 'string',
    dayOfWeek: { type: 'string', required: true, values: DAYS },
    dayInMonth: { type: 'string', required: true, values: ['FIRST', 'LAST', 'SECOND', 'THIRD', 'FOURTH'] },
  }),
  condition('DateTimeBetween', 'DateTimeBetweenCondition', { date: 'string', after: 'string', before: 'string' }),
  condition('TimeBetween', 'TimeBetweenCondition', { date: 'string', after: 'string', before: 'string' }),
  condition('Weekend', 'WeekendCondition', { date: 'string' }),
  condition('PublicHoliday', 'PublicHolidayCondition', { date: 'string', country: 'string', subDivision: 'string' }),
  condition('Not', 'NotCondition', { conditions: 'conditions!' }),
  condition('Or', 'OrCondition', { conditions: 'conditions!' }),
  condition('MultipleCondition', 'MultipleCondition', {
    id: 'string',
    window: 'duration',
    windowAdvance: 'duration',
    timeWindow: 'map',
    resetOnSuccess: 'boolean',
    conditions: 'conditionMap!',
  }),
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
