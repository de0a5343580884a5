import { FILTER_ERROR_OR_NULL_BEHAVIORS, isTruthy, STORAGE_FILTER_ITEMS_TASK } from '@osprey/flow-model';
import type { RunContext, TaskRunner, TaskRunnerResult } from '../task-runner.js';
import { TaskFailure } from '../task-runner.js';
import { TaskProperties } from '../support/task-properties.js';
import { parseItem, readLines } from '../support/item-lines.js';
import { ItemFileWriter } from '../support/item-file-writer.js';

/**
 * `io.kestra.plugin.core.storage.FilterItems`: keeps the items of an ION/JSON Lines file for which `filterCondition`
 * (rendered with the item's fields as variables) is true (`filterType: INCLUDE`, the default) or false (`EXCLUDE`).
 * An item whose condition cannot be rendered fails the task (`errorOrNullBehavior: FAIL`, the default) or
 * is kept or dropped. Outputs `uri` (an `.ion` file with the kept lines as read), `processedItemsTotal`,
 * `droppedItemsTotal`.
 */
export class StorageFilterItemsTask implements TaskRunner {
  async run(ctx: RunContext): Promise<TaskRunnerResult> {
    const properties = new TaskProperties(ctx, STORAGE_FILTER_ITEMS_TASK);
    const from = await properties.string('from');
    // Rendered per item, never before: the item's fields are its variables.
    const condition = String(properties.raw('filterCondition'));
    const filterType = (await properties.enumValue('filterType', ['INCLUDE', 'EXCLUDE'])) ?? 'INCLUDE';
    const onErrorOrNull = (await properties.enumValue('errorOrNullBehavior', FILTER_ERROR_OR_NULL_BEHAVIORS)) ?? 'FAIL';

    const writer = await ItemFileWriter.open(ctx);
    let processed = 0;
    let dropped = 0;
    for await (const line of readLines(await ctx.storage.get(from))) {
      processed++;
      const item = parseItem(line, processed);
      let keep: boolean;
      try {
        keep = isTruthy(await ctx.renderString(condition, item)) === (filterType === 'INCLUDE');
      } catch (error) {
        if (onErrorOrNull === 'FAIL') throw new TaskFailure(`Expression \`${condition}\` failed on item \`${line}\`: ${(error as Error).message}`);
        keep = onErrorOrNull === 'INCLUDE';
      }
      if (keep) await writer.write(line);
      else dropped++;
    }
    return { outputs: { uri: await writer.store(ctx), processedItemsTotal: processed, droppedItemsTotal: dropped } };
  }
}

