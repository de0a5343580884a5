import type { Condition, Flow, Label, Trigger } from '../flow/flow.js';
import type { Execution } from '../execution/execution.js';
import { isTerminated, type StateType } from '../execution/state.js';
import { renderTemplate, renderValue, type RenderOptions } from '../expression/index.js';
import { isTruthy } from './is-truthy.js';
import { advanceConditionWindow, conditionWindowKey, isConditionWindowExpired, type ConditionWindowWrite, type StoredConditionWindow } from './condition-window.js';
import { conditionWindowAt, isWindowOpen, type TimeWindowSpec } from './precondition-window.js';
import { labelsMap } from './run-variables.js';
import { triggerLabels } from './trigger-labels.js';
import { conditionHolds, isMultipleCondition, type ConditionContext } from './trigger-condition.js';
import { flag } from '../flow/flag.js';

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
  /**
   * The stored windows of preconditions that gather results across executions, by `conditionWindowKey` (see
   * `conditionWindowKeys`). Absent when the backend keeps none: such triggers then fail instead of firing.
   */
  conditionWindows?: ReadonlyMap<string, StoredConditionWindow>;
}

export interface FlowTriggerEvaluation {
  matches: FlowTriggerMatch[];
  /** Triggers whose conditions could not be evaluated: they do not fire, and the caller says why. */
  failures: { flow: Flow; trigger: Trigger; error: Error }[];
  /** Windows to store, replace or delete, committed with the decision that evaluated them. */
  conditionWindows: ConditionWindowWrite[];
}

/**
 * The Flow triggers that an ended execution fires: every enabled Flow trigger of another flow whose conditions and
 * preconditions all hold. A flow never triggers itself, which would loop forever.
 */
export function matchFlowTriggers(candidates: Flow[], ended: Execution, endedVariables: Record<string, unknown>, options: FlowTriggerOptions): FlowTriggerEvaluation {
  const result: FlowTriggerEvaluation = { matches: [], failures: [], conditionWindows: [] };
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
      if (!isFlowTrigger(trigger) || flag(trigger.disabled, false) || options.isDisabled?.(flow, trigger)) continue;
      try {
        if (!triggerHolds(flow, trigger, ctx, options, result.conditionWindows)) continue;
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

function triggerHolds(flow: Flow, trigger: Trigger, ctx: ConditionContext, options: FlowTriggerOptions, writes: ConditionWindowWrite[]): boolean {
  const ended = ctx.execution!;
  if (!listensTo(trigger, ended.state.current)) return false;
  const conditions = (trigger.conditions ?? []) as Condition[];
  if (!conditions.filter((c) => !isMultipleCondition(c)).every((c) => conditionHolds(c, ctx))) return false;
  const multiples = multipleConditionsOf(trigger);
  // Every stored window records this execution's results, whether or not the others are met (no short-circuit).
  const pending: ConditionWindowWrite[] = [];
  const met = multiples.map((multiple) => (needsStoredWindow(multiple) ? storedMultipleHolds(flow, multiple, ctx, options, pending) : multipleHolds(multiple, ctx, options.now)));
  writes.push(...pending);
  return met.every(Boolean);
}

/** A trigger listens to the ended states unless it names others (Kestra: State.Type.terminatedTypes()). */
function listensTo(trigger: Trigger, state: StateType): boolean {
  const states = trigger.states as StateType[] | undefined;
  return states ? states.includes(state) : isTerminated(state);
}

/** One condition of a MultipleCondition or of `preconditions`: `flows` entries and `where` filters become these. */
type Check = (ctx: ConditionContext) => boolean;

interface MultipleConditionSpec {
  /** Unique within the flow: the trigger's id and the precondition's id. */
  conditionId: string;
  timeWindow?: TimeWindowSpec;
  resetOnSuccess?: boolean;
  checks: { id: string; check: Check }[];
}

function multipleConditionsOf(trigger: Trigger): MultipleConditionSpec[] {
  const multiples: MultipleConditionSpec[] = ((trigger.conditions ?? []) as Condition[])
    .map((condition, i) => ({ condition, i }))
    .filter(({ condition }) => isMultipleCondition(condition))
    .map(({ condition, i }) => legacyMultiple(trigger.id, condition, i));
  if (trigger.preconditions) multiples.push(preconditionsOf(trigger.id, trigger.preconditions as Preconditions));
  return multiples;
}

/** Several conditions, or results kept after success, need results stored across executions. */
function needsStoredWindow(multiple: MultipleConditionSpec): boolean {
  return multiple.checks.length > 1 || (multiple.checks.length === 1 && multiple.resetOnSuccess === false);
}

/**
 * The keys of the stored windows the Flow triggers of `flows` may read for an execution in `state`: the executor
 * loads them before `matchFlowTriggers`.
 */
export function conditionWindowKeys(flows: Flow[], state: StateType): string[] {
  const keys: string[] = [];
  for (const flow of flows) {
    for (const trigger of flow.triggers) {
      if (!isFlowTrigger(trigger) || !listensTo(trigger, state)) continue;
      for (const multiple of multipleConditionsOf(trigger)) {
        if (needsStoredWindow(multiple)) keys.push(conditionWindowKey(flow.namespace, flow.id, multiple.conditionId));
      }
    }
  }
  return keys;
}

/**
 * Whether `ended` meets a condition of a stored window of `flow`'s Flow triggers that listen to its state: only
 * then can it fire through one or add to one (a backend routing windows sends it to the flow's owner only then).
 * A condition that cannot be evaluated counts as met, so the failure is reported where the windows are decided.
 */
export function meetsConditionWindows(flow: Flow, ended: Execution, endedVariables: Record<string, unknown>, options: Pick<FlowTriggerOptions, 'render' | 'defaultCountry'> = {}): boolean {
  const ctx: ConditionContext = { execution: ended, variables: endedVariables, render: options.render, defaultCountry: options.defaultCountry };
  return flow.triggers.some(
    (trigger) =>
      isFlowTrigger(trigger) &&
      listensTo(trigger, ended.state.current) &&
      multipleConditionsOf(trigger).some(
        (multiple) =>
          needsStoredWindow(multiple) &&
          multiple.checks.some(({ check }) => {
            try {
              return check(ctx);
            } catch {
              return true;
            }
          }),
      ),
  );
}

/**
 * A precondition of one condition is decided from the ended execution alone, in the window open at `now`: met
 * now means all met, and nothing is left to keep after success.
 */
function multipleHolds(multiple: MultipleConditionSpec, ctx: ConditionContext, now: Date): boolean {
  // Nothing to wait for is met at once, whatever the window.
  if (multiple.checks.length === 0) return true;
  return isWindowOpen(conditionWindowAt(multiple.timeWindow, now), now) && multiple.checks[0]!.check(ctx);
}

/**
 * A precondition of several conditions is met once each of them was met by some ended execution within the same
 * window. The window gains this execution's results; once all are met it is deleted (the next firing needs them
 * all again) unless `resetOnSuccess: false`, which fires on every later execution meeting one of them.
 */
function storedMultipleHolds(flow: Flow, multiple: MultipleConditionSpec, ctx: ConditionContext, options: FlowTriggerOptions, writes: ConditionWindowWrite[]): boolean {
  if (!options.conditionWindows) {
    throw new Error('preconditions of several conditions, or with resetOnSuccess: false, need results stored across executions, which this backend does not keep');
  }
  const identity = { namespace: flow.namespace, flowId: flow.id, conditionId: multiple.conditionId };
  const stored = options.conditionWindows.get(conditionWindowKey(identity.namespace, identity.flowId, identity.conditionId));
  const metNow = multiple.checks.filter(({ check }) => check(ctx)).map(({ id }) => id);
  const step = advanceConditionWindow({ ...identity, timeWindow: multiple.timeWindow, conditionIds: multiple.checks.map(({ id }) => id) }, stored?.window, metNow, options.now);
  const expectedVersion = stored?.version ?? 0;
  const keep = step.window && Object.keys(step.window.results).length > 0 && !(step.met && multiple.resetOnSuccess !== false) ? step.window : null;
  if (keep ? !sameWindow(keep, stored?.window) : stored && (step.window || isConditionWindowExpired(stored.window, options.now))) {
    writes.push({ ...identity, expectedVersion, window: keep });
  }
  return step.met;
}

function sameWindow(a: ConditionWindowWrite['window'], b: ConditionWindowWrite['window'] | undefined): boolean {
  return !!a && !!b && a.start === b.start && a.end === b.end && Object.keys(a.results).sort().join('\u0000') === Object.keys(b.results).sort().join('\u0000');
}

interface Preconditions {
  id?: string;
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

/** Condition ids as Kestra names them: `condition_<n>` for flows, `condition_<n>_<filter id>` for where filters. */
function preconditionsOf(triggerId: string, pre: Preconditions): MultipleConditionSpec {
  const flows = (pre.flows ?? []).map((upstream, i) => ({ id: `condition_${i + 1}`, check: upstreamFlowCheck(upstream) }));
  const where = (pre.where ?? []).map((filter, i) => ({ id: `condition_${flows.length + i + 1}_${filter.id}`, check: filterCheck(filter) }));
  return { conditionId: `${triggerId}.${pre.id ?? 'preconditions'}`, timeWindow: pre.timeWindow, resetOnSuccess: pre.resetOnSuccess, checks: [...flows, ...where] };
}

function legacyMultiple(triggerId: string, condition: Condition, index: number): MultipleConditionSpec {
  const timeWindow = { ...((condition.timeWindow ?? {}) as TimeWindowSpec) };
  if (typeof condition.window === 'string') timeWindow.window = condition.window;
  if (typeof condition.windowAdvance === 'string') timeWindow.windowAdvance = condition.windowAdvance;
  const inner = Object.entries((condition.conditions ?? {}) as Record<string, Condition>);
  return {
    conditionId: `${triggerId}.${typeof condition.id === 'string' ? condition.id : `conditions[${index}]`}`,
    timeWindow,
    resetOnSuccess: condition.resetOnSuccess as boolean | undefined,
    checks: inner.map(([id, c]) => ({ id, check: (ctx: ConditionContext) => conditionHolds(c, ctx) })),
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
