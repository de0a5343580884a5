import { isScheduleConditionType, resolveConditionType } from './condition-types.js';
import { isDuration } from './duration.js';
import type { FlowPath } from './flow-path.js';
import { isTemplate } from './template-text.js';

type Report = (path: FlowPath, message: string) => void;

export interface TriggerCheckOptions {
  /** False where the backend keeps no precondition windows (ExecutorStore.keepsConditionWindows): preconditions that need one are refused. */
  storedPreconditions?: boolean;
}

const SCHEDULE = 'io.kestra.plugin.core.trigger.Schedule';
const SCHEDULE_ON_DATES = 'io.kestra.plugin.core.trigger.ScheduleOnDates';
const FLOW = 'io.kestra.plugin.core.trigger.Flow';
const WEBHOOK = 'io.kestra.plugin.core.trigger.Webhook';
const HTTP = 'io.kestra.plugin.core.http.Trigger';
const MULTIPLE = 'io.kestra.plugin.core.condition.MultipleCondition';
const TIME_WINDOW_KEYS: Record<string, { required: string[]; allowed: string[] }> = {
  DURATION_WINDOW: { required: [], allowed: ['window', 'windowAdvance'] },
  SLIDING_WINDOW: { required: [], allowed: ['window'] },
  DAILY_TIME_DEADLINE: { required: ['deadline'], allowed: ['deadline'] },
  DAILY_TIME_WINDOW: { required: ['startTime', 'endTime'], allowed: ['startTime', 'endTime'] },
};
const FILTER_FIELDS = ['FLOW_ID', 'NAMESPACE', 'STATE', 'EXPRESSION'];
const FILTER_TYPES = ['EQUAL_TO', 'NOT_EQUAL_TO', 'IN', 'NOT_IN', 'IS_TRUE', 'IS_FALSE', 'IS_NULL', 'IS_NOT_NULL', 'STARTS_WITH', 'ENDS_WITH', 'REGEX', 'CONTAINS'];

/**
 * What a trigger's conditions and preconditions mean beyond their shape: a Schedule or a Webhook cannot evaluate
 * conditions on an ended execution, and preconditions are checked field by field.
 */
export function checkTriggerSemantics(trigger: Record<string, unknown>, canonicalType: string, path: FlowPath, report: Report, options: TriggerCheckOptions = {}): void {
  const stored = options.storedPreconditions !== false;
  const listed = (key: string) => (Array.isArray(trigger[key]) ? (trigger[key] as unknown[]) : []);
  if (canonicalType === SCHEDULE || canonicalType === SCHEDULE_ON_DATES || canonicalType === WEBHOOK || canonicalType === HTTP) {
    const what = canonicalType === SCHEDULE ? 'a Schedule' : canonicalType === WEBHOOK ? 'a Webhook' : canonicalType === HTTP ? 'an HTTP' : 'a ScheduleOnDates';
    for (const key of ['conditions', 'scheduleConditions']) {
      listed(key).forEach((condition, i) => {
        const type = isMap(condition) && typeof condition.type === 'string' ? condition.type : undefined;
        if (type && resolveConditionType(type) && !isScheduleConditionType(type)) {
          report([...path, key, i, 'type'], `condition type '${type}' concerns an ended execution or several of them: ${what} trigger cannot evaluate it`);
        }
      });
    }
  }
  if (canonicalType === FLOW) {
    listed('conditions').forEach((condition, i) => {
      if (isMap(condition) && typeof condition.type === 'string' && resolveConditionType(condition.type)?.name === MULTIPLE) {
        const conditions = isMap(condition.conditions) ? Object.keys(condition.conditions).length : 0;
        checkMultiple(condition, conditions, stored, [...path, 'conditions', i], report);
      }
    });
    if (isMap(trigger.preconditions)) checkPreconditions(trigger.preconditions, stored, [...path, 'preconditions'], report);
  }
}

function checkPreconditions(pre: Record<string, unknown>, stored: boolean, path: FlowPath, report: Report): void {
  const known = ['id', 'timeWindow', 'resetOnSuccess', 'flows', 'where'];
  for (const key of Object.keys(pre)) if (!known.includes(key)) report([...path, key], `unknown property '${key}' of preconditions`);
  const flows = Array.isArray(pre.flows) ? pre.flows : [];
  const where = Array.isArray(pre.where) ? pre.where : [];
  if (pre.flows !== undefined && !Array.isArray(pre.flows)) report([...path, 'flows'], 'must be a list of {namespace, flowId, states, labels}');
  if (pre.where !== undefined && !Array.isArray(pre.where)) report([...path, 'where'], 'must be a list of {id, operand, filters}');
  flows.forEach((flow, i) => {
    if (!isMap(flow)) return report([...path, 'flows', i], 'must be a map with namespace, flowId, states and labels');
    for (const key of Object.keys(flow)) if (!['namespace', 'flowId', 'states', 'labels'].includes(key)) report([...path, 'flows', i, key], `unknown property '${key}' of an upstream flow`);
    if (typeof flow.namespace !== 'string') report([...path, 'flows', i, 'namespace'], "missing required property 'namespace'");
  });
  where.forEach((filter, i) => checkWhere(filter, [...path, 'where', i], report));
  checkMultiple(pre, flows.length + where.length, stored, path, report);
}

function checkWhere(filter: unknown, path: FlowPath, report: Report): void {
  if (!isMap(filter)) return report(path, 'must be a map with id, operand and filters');
  for (const key of Object.keys(filter)) if (!['id', 'operand', 'filters'].includes(key)) report([...path, key], `unknown property '${key}' of a where filter`);
  if (typeof filter.id !== 'string' || filter.id === '') report([...path, 'id'], "missing required property 'id'");
  if (filter.operand !== undefined && filter.operand !== 'AND' && filter.operand !== 'OR') report([...path, 'operand'], "must be 'AND' or 'OR'");
  if (!Array.isArray(filter.filters) || filter.filters.length === 0) return report([...path, 'filters'], 'must be a non-empty list of {field, type, value}');
  filter.filters.forEach((f, i) => {
    const at = [...path, 'filters', i];
    if (!isMap(f)) return report(at, 'must be a map with field, type and value or values');
    for (const key of Object.keys(f)) if (!['field', 'type', 'value', 'values'].includes(key)) report([...at, key], `unknown property '${key}' of a filter`);
    if (!FILTER_FIELDS.includes(String(f.field))) report([...at, 'field'], `must be one of ${FILTER_FIELDS.join(', ')}`);
    if (!FILTER_TYPES.includes(String(f.type))) report([...at, 'type'], `must be one of ${FILTER_TYPES.join(', ')}`);
    if ((f.type === 'IN' || f.type === 'NOT_IN') && !Array.isArray(f.values)) report([...at, 'values'], `a filter of type ${String(f.type)} needs a list of values`);
  });
}

/** A MultipleCondition or preconditions: its reset flag, its time window, and whether the backend can keep its results. */
function checkMultiple(multiple: Record<string, unknown>, conditions: number, stored: boolean, path: FlowPath, report: Report): void {
  if (!stored && conditions > 1) {
    report(path, `${conditions} conditions that must all be met within a time window need results kept across executions, which the Kafka backend does not keep yet (use a SQL backend, or list a single flow or filter)`);
  }
  if (!stored && multiple.resetOnSuccess === false) report([...path, 'resetOnSuccess'], 'resetOnSuccess: false needs results kept across executions, which the Kafka backend does not keep yet');
  if (multiple.resetOnSuccess !== undefined && typeof multiple.resetOnSuccess !== 'boolean') report([...path, 'resetOnSuccess'], 'must be true or false');
  for (const key of ['window', 'windowAdvance']) {
    if (multiple[key] !== undefined && !isDuration(multiple[key])) report([...path, key], `must be an ISO-8601 duration`);
  }
  if (multiple.timeWindow === undefined) return;
  if (!isMap(multiple.timeWindow)) return report([...path, 'timeWindow'], 'must be a map');
  const window = multiple.timeWindow;
  const type = window.type === undefined ? 'DURATION_WINDOW' : String(window.type);
  const rule = TIME_WINDOW_KEYS[type];
  if (!rule) return report([...path, 'timeWindow', 'type'], `must be one of ${Object.keys(TIME_WINDOW_KEYS).join(', ')}`);
  for (const key of Object.keys(window)) {
    if (key === 'type') continue;
    if (!['window', 'windowAdvance', 'deadline', 'startTime', 'endTime'].includes(key)) report([...path, 'timeWindow', key], `unknown property '${key}' of timeWindow`);
    else if (!rule.allowed.includes(key)) report([...path, 'timeWindow', key], `a time window of type ${type} cannot have ${key}`);
    else if ((key === 'window' || key === 'windowAdvance') && !isDuration(window[key])) report([...path, 'timeWindow', key], 'must be an ISO-8601 duration');
    else if (key !== 'window' && key !== 'windowAdvance' && !(typeof window[key] === 'string' && /^\d{2}:\d{2}(:\d{2})?$/.test(window[key] as string) && !isTemplate(window[key] as string))) {
      report([...path, 'timeWindow', key], 'must be a time of day like 09:00:00');
    }
  }
  for (const key of rule.required) if (window[key] === undefined) report([...path, 'timeWindow', key], `a time window of type ${type} must have ${key}`);
}

function isMap(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}
