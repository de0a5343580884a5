import type { Condition, Flow, Label, Trigger } from '../flow/flow.js';
import type { Execution } from '../execution/execution.js';
import { isTerminated, type StateType } from '../execution/state.js';
import { renderTemplate, renderValue, type RenderOptions } from '../expression/index.js';
import { isTruthy } from './decide.js';
import { conditionWindowAt, isWindowOpen, type TimeWindowSpec } from './precondition-window.js';
import { labelsMap } from './run-variables.js';
import { triggerLabels } from './trigger-labels.js';
import { conditionHolds, isMultipleCondition, type ConditionContext } from './trigger-condition.js';

const FLOW_TRIGGER_TYPES = new Set(['io.kestra.plugin.core.trigger.Flow', 'io.kestra.core.models.triggers.types.Flow']);

export function isFlowTrigger(trigger: Trigger): boolean {
  return FLOW_TRIGGER_TYPES.has(trigger.type);
}

export interface FlowTriggerMatch {
  flow: Flow;
  trigger: Trigger;
  /** The trigger's inputs, rendered in the context of the execution that ended. */
  inputs: Record<string, unknown>;
  /** What the started execution sees as `trigger.*`. */
  variables: Record<string, unknown>;
  /** The trigger's own labels, which the started execution carries. */
  labels: Label[];
}

export interface FlowTriggerOptions {
  /** The executor's clock: precondition windows are computed from it. */
  now: Date;
  render?: RenderOptions;
  /** Country of PublicHoliday conditions that name none. */
  defaultCountry?: string;
  /** Triggers disabled through the API (their stored state), which never fire. */
  isDisabled?: (flow: Flow, trigger: Trigger) => boolean;
}

export interface FlowTriggerEvaluation {
  matches: FlowTriggerMatch[];
  /** Triggers whose conditions could not be evaluated: they do not fire, and the caller says why. */
  failures: { flow: Flow; trigger: Trigger; error: Error }[];
}

/**
 * The Flow triggers that an ended execution fires: every enabled Flow trigger of another flow whose conditions and
 * preconditions all hold. A flow never triggers itself, which would loop forever.
 */
export function matchFlowTriggers(candidates: Flow[], ended: Execution, endedVariables: Record<string, unknown>, options: FlowTriggerOptions): FlowTriggerEvaluation {
  const result: FlowTriggerEvaluation = { matches: [], failures: [] };
  const variables = {
    executionId: ended.id,
    namespace: ended.namespace,
    flowId: ended.flowId,
    flowRevision: ended.flowRevision,
    state: ended.state.current,
    executionLabels: labelsMap(ended.labels),
    outputs: ended.outputs ?? {},
  };
  const ctx: ConditionContext = { execution: ended, variables: endedVariables, render: options.render, defaultCountry: options.defaultCountry };
  for (const flow of candidates) {
    if (flow.disabled || (flow.namespace === ended.namespace && flow.id === ended.flowId)) continue;
    for (const trigger of flow.triggers) {
      if (!isFlowTrigger(trigger) || trigger.disabled || options.isDisabled?.(flow, trigger)) continue;
      try {
        if (!triggerHolds(trigger, ctx, options.now)) continue;
      } catch (error) {
        result.failures.push({ flow, trigger, error: error as Error });
        continue;
      }
      const inputs = renderValue((trigger.inputs ?? {}) as Record<string, unknown>, endedVariables, options.render);
      result.matches.push({ flow, trigger, inputs, variables, labels: triggerLabels(trigger, endedVariables, options.render) });
    }
  }
  return result;
}

function triggerHolds(trigger: Trigger, ctx: ConditionContext, now: Date): boolean {
  const ended = ctx.execution!;
  const states = trigger.states as StateType[] | undefined;
  // A trigger listens to the ended states unless it names others (Kestra: State.Type.terminatedTypes()).
  if (states ? !states.includes(ended.state.current) : !isTerminated(ended.state.current)) return false;
  const conditions = (trigger.conditions ?? []) as Condition[];
  if (!conditions.filter((c) => !isMultipleCondition(c)).every((c) => conditionHolds(c, ctx))) return false;
  const multiples: MultipleConditionSpec[] = conditions.filter(isMultipleCondition).map(legacyMultiple);
  if (trigger.preconditions) multiples.push(preconditionsOf(trigger.preconditions as Preconditions));
  return multiples.every((multiple) => multipleHolds(multiple, ctx, now));
}

/** One condition of a MultipleCondition or of `preconditions`: `flows` entries and `where` filters become these. */
type Check = (ctx: ConditionContext) => boolean;

interface MultipleConditionSpec {
  timeWindow?: TimeWindowSpec;
  resetOnSuccess?: boolean;
  checks: Check[];
}

/**
 * A precondition is met when all its conditions were met within its time window. Only a precondition of one
 * condition is decided here, from the ended execution and the window open at `now`: validation refuses those of
 * several conditions and `resetOnSuccess: false`, which need results stored across executions.
 */
function multipleHolds(multiple: MultipleConditionSpec, ctx: ConditionContext, now: Date): boolean {
  // Nothing to wait for is met at once, whatever the window.
  if (multiple.checks.length === 0) return true;
  if (multiple.checks.length !== 1 || multiple.resetOnSuccess === false) {
    throw new Error('preconditions of several conditions, or with resetOnSuccess: false, are not supported');
  }
  return isWindowOpen(conditionWindowAt(multiple.timeWindow, now), now) && multiple.checks[0]!(ctx);
}

interface Preconditions {
  timeWindow?: TimeWindowSpec;
  resetOnSuccess?: boolean;
  flows?: UpstreamFlow[];
  where?: ExecutionFilter[];
}

interface UpstreamFlow {
  namespace?: string;
  flowId?: string;
  states?: string[];
  labels?: Record<string, unknown>;
}

interface ExecutionFilter {
  id: string;
  operand?: 'AND' | 'OR';
  filters: { field: string; type: string; value?: string; values?: string[] }[];
}

function preconditionsOf(pre: Preconditions): MultipleConditionSpec {
  const checks: Check[] = [...(pre.flows ?? []).map(upstreamFlowCheck), ...(pre.where ?? []).map(filterCheck)];
  return { timeWindow: pre.timeWindow, resetOnSuccess: pre.resetOnSuccess, checks };
}

function legacyMultiple(condition: Condition): MultipleConditionSpec {
  const timeWindow = { ...((condition.timeWindow ?? {}) as TimeWindowSpec) };
  if (typeof condition.window === 'string') timeWindow.window = condition.window;
  if (typeof condition.windowAdvance === 'string') timeWindow.windowAdvance = condition.windowAdvance;
  const inner = Object.values((condition.conditions ?? {}) as Record<string, Condition>);
  return {
    timeWindow,
    resetOnSuccess: condition.resetOnSuccess as boolean | undefined,
    checks: inner.map((c) => (ctx: ConditionContext) => conditionHolds(c, ctx)),
  };
}

function upstreamFlowCheck(upstream: UpstreamFlow): Check {
  return ({ execution }) => {
    const ended = execution!;
    if (upstream.namespace != null && ended.namespace !== upstream.namespace) return false;
    if (upstream.flowId != null && ended.flowId !== upstream.flowId) return false;
    if (upstream.states && !upstream.states.includes(ended.state.current)) return false;
    const have = labelsMap(ended.labels);
    return Object.entries(upstream.labels ?? {}).every(([key, value]) => have[key] === String(value));
  };
}

function filterCheck(filter: ExecutionFilter): Check {
  return (ctx) => {
    const results = filter.filters.map((f) => () => filterHolds(f, ctx));
    return filter.operand === 'OR' ? results.some((r) => r()) : results.every((r) => r());
  };
}

function filterHolds(filter: ExecutionFilter['filters'][number], ctx: ConditionContext): boolean {
  const ended = ctx.execution!;
  const field: string | undefined =
    filter.field === 'FLOW_ID'
      ? ended.flowId
      : filter.field === 'NAMESPACE'
        ? ended.namespace
        : filter.field === 'STATE'
          ? ended.state.current
          : renderTemplate(String(filter.value ?? ''), ctx.variables, ctx.render);
  const value = filter.value;
  switch (filter.type) {
    case 'EQUAL_TO':
      return value === field;
    case 'NOT_EQUAL_TO':
      return value !== field;
    case 'IN':
      return (filter.values ?? []).includes(field ?? '');
    case 'NOT_IN':
      return !(filter.values ?? []).includes(field ?? '');
    case 'IS_TRUE':
      return isTruthy(field);
    case 'IS_FALSE':
      return !isTruthy(field);
    case 'IS_NULL':
      return field == null;
    case 'IS_NOT_NULL':
      return field != null;
    case 'STARTS_WITH':
      return field != null && field.startsWith(String(value));
    case 'ENDS_WITH':
      return field != null && field.endsWith(String(value));
    case 'REGEX':
      return field != null && new RegExp(`^(?:${String(value)})$`).test(field);
    case 'CONTAINS':
      return field != null && field.includes(String(value));
    default:
      throw new Error(`unknown precondition filter type '${filter.type}'`);
  }
}
