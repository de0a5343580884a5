import type { Condition, Flow, Trigger } from '../flow/flow.js';
import type { Execution } from '../execution/execution.js';
import { evaluateExpression, renderValue, type RenderOptions } from '../expression/index.js';
import { isTruthy } from './decide.js';
import { labelsMap } from './run-variables.js';

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
}

/**
 * The Flow triggers that an ended execution fires: every enabled Flow trigger of another flow whose
 * conditions all hold. A flow never triggers itself, which would loop forever.
 */
export function matchFlowTriggers(
  candidates: Flow[],
  ended: Execution,
  endedVariables: Record<string, unknown>,
  render?: RenderOptions,
): FlowTriggerMatch[] {
  const matches: FlowTriggerMatch[] = [];
  const variables = {
    executionId: ended.id,
    namespace: ended.namespace,
    flowId: ended.flowId,
    flowRevision: ended.flowRevision,
    state: ended.state.current,
    executionLabels: labelsMap(ended.labels),
    outputs: ended.outputs ?? {},
  };
  for (const flow of candidates) {
    if (flow.disabled || (flow.namespace === ended.namespace && flow.id === ended.flowId)) continue;
    for (const trigger of flow.triggers) {
      if (!isFlowTrigger(trigger) || trigger.disabled) continue;
      if (!conditionsHold(trigger, ended, endedVariables, render)) continue;
      const inputs = renderValue((trigger.inputs ?? {}) as Record<string, unknown>, endedVariables, render);
      matches.push({ flow, trigger, inputs, variables });
    }
  }
  return matches;
}

function conditionsHold(trigger: Trigger, ended: Execution, vars: Record<string, unknown>, render?: RenderOptions): boolean {
  const conditions = (trigger.conditions ?? []) as Condition[];
  const state = ended.state.current;
  const states = trigger.states as string[] | undefined;
  if (states && !states.includes(state)) return false;
  const pre = trigger.preconditions as { flows?: { namespace?: string; flowId?: string; states?: string[] }[] } | undefined;
  if (pre?.flows?.length) {
    const ok = pre.flows.some(
      (f) => (!f.namespace || f.namespace === ended.namespace) && (!f.flowId || f.flowId === ended.flowId) && (!f.states || f.states.includes(state)),
    );
    if (!ok) return false;
  }
  return conditions.every((condition) => conditionHolds(condition, ended, vars, render));
}

function conditionHolds(condition: Condition, ended: Execution, vars: Record<string, unknown>, render?: RenderOptions): boolean {
  const name = condition.type.slice(condition.type.lastIndexOf('.') + 1);
  switch (name) {
    case 'ExecutionStatusCondition':
    case 'ExecutionStatus': {
      const inList = condition.in as string[] | undefined;
      const notIn = condition.notIn as string[] | undefined;
      return (!inList || inList.includes(ended.state.current)) && (!notIn || !notIn.includes(ended.state.current));
    }
    case 'ExecutionFlowCondition':
    case 'ExecutionFlow':
      return condition.namespace === ended.namespace && condition.flowId === ended.flowId;
    case 'ExecutionNamespaceCondition':
    case 'ExecutionNamespace': {
      const ns = String(condition.namespace ?? '');
      const comparison = String(condition.comparison ?? (condition.prefix === true ? 'PREFIX' : 'EQUALS')).toUpperCase();
      if (comparison === 'PREFIX') return ended.namespace === ns || ended.namespace.startsWith(`${ns}.`) || ended.namespace.startsWith(ns);
      if (comparison === 'SUFFIX') return ended.namespace.endsWith(ns);
      return ended.namespace === ns;
    }
    case 'ExecutionLabelsCondition':
    case 'ExecutionLabels': {
      const wanted = condition.labels;
      const have = labelsMap(ended.labels);
      const pairs = Array.isArray(wanted)
        ? (wanted as { key: string; value: string }[]).map((l) => [l.key, l.value] as const)
        : Object.entries((wanted ?? {}) as Record<string, unknown>);
      return pairs.every(([k, v]) => have[k] === String(v));
    }
    case 'ExpressionCondition':
    case 'Expression':
      return isTruthy(evaluateExpression(String(condition.expression ?? ''), vars, render));
    case 'Not': {
      const inner = (condition.conditions ?? []) as Condition[];
      return !inner.some((c) => conditionHolds(c, ended, vars, render));
    }
    case 'Or': {
      const inner = (condition.conditions ?? []) as Condition[];
      return inner.some((c) => conditionHolds(c, ended, vars, render));
    }
    default:
      // Conditions on time (DayWeek, TimeBetween, ...) concern schedules; they do not filter flow triggers here.
      return true;
  }
}
