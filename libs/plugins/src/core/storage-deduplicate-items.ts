import { STORAGE_DEDUPLICATE_ITEMS_TASK } from '@osprey/flow-model';
import type { RunContext, TaskRunner, TaskRunnerResult } from '../task-runner.js';
import { TaskProperties } from '../support/task-properties.js';
import { parseItem, readLines } from '../support/item-lines.js';
import { ItemFileWriter } from '../support/item-file-writer.js';

/**
 * `io.kestra.plugin.core.storage.DeduplicateItems`: keeps, for each key that `expr` renders (with the item's fields
 * as variables), only the last item of an ION/JSON Lines file, in file order. Reads the file twice, as Kestra does:
 * only the map of keys to their last line number is held in memory. Outputs `uri` (an `.ion` file), `numKeys`,
 * `processedItemsTotal`, `droppedItemsTotal`.
 */
export class StorageDeduplicateItemsTask implements TaskRunner {
  async run(ctx: RunContext): Promise<TaskRunnerResult> {
    const properties = new TaskProperties(ctx, STORAGE_DEDUPLICATE_ITEMS_TASK);
    const from = await properties.string('from');
    // Rendered per item, never before: the item's fields are its variables.
    const expr = String(properties.raw('expr'));
    const keyOf = (line: string, offset: number) => ctx.renderString(expr, parseItem(line, offset + 1));

    const lastOffset = new Map<string, number>();
    let offset = 0;
    for await (const line of readLines(await ctx.storage.get(from))) lastOffset.set(await keyOf(line, offset), offset++);

    const writer = await ItemFileWriter.open(ctx);
    let processed = 0;
    let dropped = 0;
    for await (const line of readLines(await ctx.storage.get(from))) {
      if (lastOffset.get(await keyOf(line, processed)) === processed) await writer.write(line);
      else dropped++;
      processed++;
    }
    return { outputs: { uri: await writer.store(ctx), numKeys: lastOffset.size, processedItemsTotal: processed, droppedItemsTotal: dropped } };
  }
}
