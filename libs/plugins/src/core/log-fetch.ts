import { LOG_FETCH_TASK, toIonText, type LogEntry } from '@osprey/flow-model';
import type { RunContext, TaskRunner, TaskRunnerResult } from '../task-runner.js';
import { TaskProperties } from '../support/task-properties.js';
import { TaskPropertyError } from '../support/task-errors.js';
import { ItemFileWriter } from '../support/item-file-writer.js';

const PAGE_SIZE = 1000;
// A log entry's fields in Kestra's LogEntry order; the repository's own bookkeeping (seq, id) is left out.
const FIELDS = ['namespace', 'flowId', 'taskId', 'executionId', 'taskRunId', 'attemptNumber', 'triggerId', 'timestamp', 'level', 'thread', 'message'] as const;

/**
 * `io.kestra.plugin.core.log.Fetch`: writes the logs of an execution (the current one, or `executionId` of the current
 * flow, or of `namespace`/`flowId` when both are set) at `level` or above, oldest first, to an `.ion` file, one entry a
 * line; with `tasksId`, only those tasks' logs, task after task. Outputs `uri` and `size` (the number of entries).
 */
export class LogFetchTask implements TaskRunner {
  async run(ctx: RunContext): Promise<TaskRunnerResult> {
    const properties = new TaskProperties(ctx, LOG_FETCH_TASK);
    let namespace = await properties.string('namespace');
    let flowId = await properties.string('flowId');
    let executionId = await properties.string('executionId');
    if (executionId === undefined) {
      if (namespace !== undefined || flowId !== undefined) throw new TaskPropertyError(namespace !== undefined ? 'namespace' : 'flowId', '`namespace` and `flowId` should only be set when `executionId` is set');
      executionId = ctx.executionId;
    } else if ((namespace === undefined) !== (flowId === undefined)) {
      throw new TaskPropertyError(namespace === undefined ? 'namespace' : 'flowId', 'both `namespace` and `flowId` must be set when `executionId` is set');
    }
    namespace ??= ctx.namespace;
    flowId ??= ctx.flowId;
    const minLevel = await properties.logLevel('level', 'INFO');
    const tasksId = await properties.stringList('tasksId');

    const writer = await ItemFileWriter.open(ctx);
    let size = 0;
    for (const taskId of tasksId ?? [undefined]) {
      for (let page = 1; ; page++) {
        const { results } = await ctx.repository.logs.search({ namespace, flowId, executionId, ...(taskId === undefined ? {} : { taskId }), minLevel, page, size: PAGE_SIZE });
        for (const entry of results) await writer.write(toIonText(logLine(entry)));
        size += results.length;
        if (results.length < PAGE_SIZE) break;
      }
    }
    return { outputs: { uri: await writer.store(ctx), size } };
  }
}

function logLine(entry: LogEntry): Record<string, unknown> {
  const line: Record<string, unknown> = {};
  for (const field of FIELDS) if (entry[field] !== undefined && entry[field] !== null) line[field] = entry[field];
  return line;
}
