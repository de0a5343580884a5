import { LABELS_TASK, type Label } from '@osprey/flow-model';
import type { RunContext, TaskRunner, TaskRunnerResult } from '../task-runner.js';
import { TaskPropertyError } from '../support/task-errors.js';
import { isPlainObject, TaskProperties, toText } from '../support/task-properties.js';

const SYSTEM_PREFIX = 'system.';

/**
 * `io.kestra.plugin.core.execution.Labels`: sets labels on the execution. `labels` is a map (templated
 * keys and values), a list of `{key, value}`, or an expression rendering to a JSON map. The executor
 * merges the returned labels over the execution's, a later key replacing an earlier one.
 */
export class LabelsTask implements TaskRunner {
  async run(ctx: RunContext): Promise<TaskRunnerResult> {
    const raw = new TaskProperties(ctx, LABELS_TASK).raw('labels');
    const labels = new Map<string, string>();
    if (typeof raw === 'string') {
      const rendered = await ctx.render(raw);
      const map = typeof rendered === 'string' ? parseJsonMap(rendered) : rendered;
      if (!isPlainObject(map)) throw new TaskPropertyError('labels', 'must render to a JSON map of labels');
      for (const [key, value] of Object.entries(map)) labels.set(key, toText(value));
    } else if (Array.isArray(raw)) {
      for (const item of raw) {
        if (!isPlainObject(item) || item['key'] === undefined) {
          throw new TaskPropertyError('labels', 'list items must be {key, value} maps');
        }
        labels.set(await ctx.renderString(String(item['key'])), await renderValue(ctx, item['value']));
      }
    } else if (isPlainObject(raw)) {
      for (const [key, value] of Object.entries(raw)) {
        labels.set(await ctx.renderString(key), await renderValue(ctx, value));
      }
    } else {
      throw new TaskPropertyError('labels', 'is required: a map, a list of {key, value}, or a JSON map expression');
    }

    for (const [key, value] of labels) {
      if (key.startsWith(SYSTEM_PREFIX)) {
        throw new TaskPropertyError('labels', `system labels can only be set by Osprey itself, offending label: ${key}=${value}`);
      }
    }
    const result: Label[] = [...labels].map(([key, value]) => ({ key, value }));
    return { labels: result };
  }
}

async function renderValue(ctx: RunContext, value: unknown): Promise<string> {
  if (isPlainObject(value) || Array.isArray(value)) return JSON.stringify(await ctx.render(value));
  if (value === undefined || value === null) return '';
  return ctx.renderString(String(value));
}

function parseJsonMap(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    throw new TaskPropertyError('labels', `must render to a JSON map of labels, got '${text}'`);
  }
}
