import type { RunContext, TaskRunner, TaskRunnerResult } from '../task-runner.js';
import { TaskFailure } from '../task-runner.js';
import { TaskProperties } from '../support/task-properties.js';
import { TaskPropertyError } from '../support/task-errors.js';
import { KV_SET_TASK, KV_TYPES, parseDuration } from '@osprey/flow-model';
import { validateKvKey } from './kv-key.js';

export type KvType = (typeof KV_TYPES)[number];

/**
 * `io.kestra.plugin.core.kv.Set`: stores `value` under `key` in `namespace` (the flow's by default),
 * converted to `kvType` when given; `overwrite: false` fails on an existing key; `ttl` expires it.
 */
export class KvSetTask implements TaskRunner {
  async run(ctx: RunContext): Promise<TaskRunnerResult> {
    const properties = new TaskProperties(ctx, KV_SET_TASK);
    const namespace = (await properties.string('namespace')) ?? ctx.namespace;
    const key = validateKvKey(await properties.string('key'));
    let value: unknown = await ctx.render(properties.raw('value'));
    const kvType = await properties.enumValue('kvType', KV_TYPES);
    if (kvType !== undefined && typeof value === 'string') value = convert(value, kvType);
    const overwrite = await properties.boolean('overwrite', true);
    const ttlMs = await properties.duration('ttl');
    if (ttlMs !== undefined && ttlMs <= 0) throw new TaskPropertyError('ttl', 'must be positive');

    const kv = ctx.kv(namespace);
    // Checked here as well as by the store, so the message is Kestra's whatever the adapter says.
    if (!overwrite && (await kv.get(key)) !== undefined) {
      throw new TaskFailure(`Cannot set value for key '${key}'. Key already exists and \`overwrite\` is set to \`false\`.`);
    }
    await kv.set(key, value, ttlMs, overwrite);
    return {};
  }
}

function convert(text: string, type: KvType): unknown {
  switch (type) {
    case 'NUMBER': {
      const number = Number(text.trim());
      if (text.trim() === '' || !Number.isFinite(number)) throw new TaskPropertyError('value', `'${text}' is not a number`);
      return number;
    }
    case 'BOOLEAN':
      // Java's Boolean.parseBoolean: anything but "true" (any case) is false.
      return text.trim().toLowerCase() === 'true';
    case 'DATETIME':
    case 'DATE':
      if (Number.isNaN(Date.parse(text))) throw new TaskPropertyError('value', `'${text}' is not an ISO-8601 date-time`);
      return new Date(text).toISOString();
    case 'DURATION':
      try {
        parseDuration(text);
      } catch (error) {
        throw new TaskPropertyError('value', (error as Error).message);
      }
      return text.trim();
    case 'JSON':
      try {
        return JSON.parse(text);
      } catch {
        throw new TaskPropertyError('value', `'${text}' is not valid JSON`);
      }
    case 'STRING':
      return text;
  }
}
