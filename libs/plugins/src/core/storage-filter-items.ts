import { isTruthy, STORAGE_FILTER_ITEMS_TASK, type PropertiesOf } from '@osprey/flow-model';
import type { RunContext, TaskRunner, TaskRunnerResult } from '../task-runner.js';
import { TaskFailure } from '../task-runner.js';
import { TaskProperties } from '../support/task-properties.js';
import { TaskPropertyError } from '../support/task-errors.js';
import { parseItem, readLines } from '../support/item-lines.js';
import { ItemFileWriter } from '../support/item-file-writer.js';

type Action = 'INCLUDE' | 'EXCLUDE';

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
    const filterType = (await enumValue(properties, 'filterType', 'INCLUDE')) as Action;
    const onErrorOrNull = await enumValue(properties, 'errorOrNullBehavior', 'FAIL');

    const writer = await ItemFileWriter.open(ctx);
    let processed = 0;
    let dropped = 0;
    for await (const line of readLines(await ctx.storage.get(from))) {
      processed++;
      let action: Action = filterType;
      const item = parseItem(line, processed);
      let rendered: string | undefined;
      try {
        rendered = await ctx.renderString(condition, item);
      } catch (error) {
        if (onErrorOrNull === 'FAIL') throw new TaskFailure(`Expression \`${condition}\` failed on item \`${line}\`: ${(error as Error).message}`);
      }
      if (rendered === undefined) {
        action = onErrorOrNull as Action;
      } else if (!isTruthy(rendered)) {
        action = filterType === 'INCLUDE' ? 'EXCLUDE' : 'INCLUDE';
      }
      if (action === 'INCLUDE') await writer.write(line);
      else dropped++;
    }
    return { outputs: { uri: await writer.store(ctx), processedItemsTotal: processed, droppedItemsTotal: dropped } };
  }
}

async function enumValue(
  properties: TaskProperties<PropertiesOf<typeof STORAGE_FILTER_ITEMS_TASK>>,
  name: 'filterType' | 'errorOrNullBehavior',
  defaultValue: string,
): Promise<string> {
  const value = ((await properties.string(name)) ?? defaultValue).toUpperCase();
  const allowed = name === 'filterType' ? ['INCLUDE', 'EXCLUDE'] : ['FAIL', 'INCLUDE', 'EXCLUDE'];
  if (!allowed.includes(value)) throw new TaskPropertyError(name, `must be one of ${allowed.join(', ')} but got '${value}'`);
  return value;
}
