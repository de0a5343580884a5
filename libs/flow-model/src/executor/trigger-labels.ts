import type { Label, Trigger } from '../flow/flow.js';
import { renderTemplate, type RenderOptions } from '../expression/index.js';

/** A trigger's `labels` (a map or a list of {key, value}), values rendered: the executions it starts carry them. */
export function triggerLabels(trigger: Trigger, variables: Record<string, unknown>, render?: RenderOptions): Label[] {
  const labels = trigger.labels;
  if (labels === undefined || labels === null) return [];
  const pairs = Array.isArray(labels)
    ? (labels as { key: unknown; value: unknown }[]).map((l) => [String(l.key), l.value] as const)
    : Object.entries(labels as Record<string, unknown>);
  return pairs.map(([key, value]) => ({ key, value: renderTemplate(String(value), variables, render) }));
}
