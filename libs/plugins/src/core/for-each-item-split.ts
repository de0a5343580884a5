import { FOR_EACH_ITEM_SPLIT_TASK } from '@osprey/flow-model';
import type { RunContext, TaskRunner, TaskRunnerResult } from '../task-runner.js';
import { TaskProperties } from '../support/task-properties.js';
import { TaskPropertyError } from '../support/task-errors.js';
import { parseByteSize, splitFile, type SplitRule } from './storage-split.js';

/**
 * The `<id>_split` run of a ForEachItem: splits `items` into batch files by its `batch` (bytes, else partitions, else
 * rows, 1 by default, as Kestra reads it) with storage.Split's splitter. Outputs `splits`, a file listing the batch
 * URIs one a line (as Kestra), and `uris`, the same list, which the executor starts one subflow for each of.
 */
export class ForEachItemSplitTask implements TaskRunner {
  async run(ctx: RunContext): Promise<TaskRunnerResult> {
    const properties = new TaskProperties(ctx, FOR_EACH_ITEM_SPLIT_TASK);
    const items = await properties.string('items');
    if (!items.startsWith('kestra://')) throw new TaskPropertyError('items', `cannot split the items of '${items}': it is not an internal storage URI (kestra://...)`);
    const batch = ((await ctx.render(properties.raw('batch'))) ?? {}) as Record<string, unknown>;
    const separator = batch.separator === undefined || batch.separator === null ? '\n' : String(batch.separator);
    const uris = await splitFile(ctx, items, ruleOf(batch), separator);
    const splits = await ctx.storage.putFile('splits.txt', uris.join('\n'));
    return { outputs: { splits, uris } };
  }
}

function ruleOf(batch: Record<string, unknown>): SplitRule {
  const given = (name: string) => batch[name] !== undefined && batch[name] !== null;
  if (given('bytes')) return { bytes: parseByteSize(String(batch.bytes)) };
  if (given('partitions')) return { partitions: count(batch.partitions, 'partitions') };
  return { rows: given('rows') ? count(batch.rows, 'rows') : 1 };
}

function count(value: unknown, name: string): number {
  const number = Number(String(value).trim());
  if (!Number.isSafeInteger(number) || number < 1) throw new TaskPropertyError(`batch.${name}`, `expected an integer of at least 1 but got '${String(value)}'`);
  return number;
}
