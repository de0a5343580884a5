import type { PluginDefault, Task } from './flow.js';
import { resolveTaskType } from './task-types.js';
import { flag } from './flag.js';

/**
 * Returns the task with the matching plugin defaults merged in (the task itself is not changed).
 * A default matches when its `type` is the task's type (or the canonical name of either, so legacy
 * aliases match too) or a package prefix of it (`io.kestra.plugin.core.log`). Non-forced defaults
 * only fill what the task leaves unset, the first listed winning; forced ones override the task.
 * Maps are merged key by key, everything else is replaced whole. `id` and `type` never change.
 * Child tasks are not touched: they receive their own defaults when they are resolved.
 */
export function applyPluginDefaults(task: Task, defaults: readonly PluginDefault[]): Task {
  const matching = defaults.filter((d) => matches(d.type, task.type));
  if (matching.length === 0) return task;
  let result: Record<string, unknown> = { ...task };
  for (const d of matching.filter((d) => !flag(d.forced, false))) result = deepMerge(d.values ?? {}, result);
  for (const d of matching.filter((d) => flag(d.forced, false))) result = deepMerge(result, d.values ?? {});
  return { ...result, id: task.id, type: task.type } as Task;
}

function matches(defaultType: string, taskType: string): boolean {
  if (!defaultType) return false;
  const canonicalTask = resolveTaskType(taskType)?.name ?? taskType;
  const canonicalDefault = resolveTaskType(defaultType)?.name ?? defaultType;
  if (defaultType === taskType || canonicalDefault === canonicalTask) return true;
  const prefix = defaultType.endsWith('.') ? defaultType : `${defaultType}.`;
  return taskType.startsWith(prefix) || canonicalTask.startsWith(prefix);
}

/** Merges `override` onto `base`; nested maps merge, other values from `override` win. */
export function deepMerge(base: Record<string, unknown>, override: Record<string, unknown>): Record<string, unknown> {
  const result: Record<string, unknown> = { ...base };
  for (const [key, value] of Object.entries(override)) {
    const current = result[key];
    result[key] = isPlainMap(current) && isPlainMap(value) ? deepMerge(current, value) : value;
  }
  return result;
}

function isPlainMap(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
