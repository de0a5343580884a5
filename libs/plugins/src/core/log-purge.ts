import { LOG_PURGE_TASK, type LogLevel } from '@osprey/flow-model';
import type { RunContext, TaskRunner, TaskRunnerResult } from '../task-runner.js';
import { TaskProperties } from '../support/task-properties.js';
import { TaskPropertyError } from '../support/task-errors.js';
import { isoDate } from '../support/iso-date.js';

/**
 * `io.kestra.plugin.core.log.PurgeLogs`: deletes the logs of `namespace` (and its children; exactly that namespace with
 * `flowId`), of `flowId`, of `executionId`, at `logLevels`, stamped between `startDate` and `endDate`, whichever are
 * set. Outputs `count`, `executionLogsCount` and `nonExecutionLogsCount` (always 0: every Osprey log belongs to an
 * execution, a trigger's failure included).
 */
export class LogPurgeTask implements TaskRunner {
  async run(ctx: RunContext): Promise<TaskRunnerResult> {
    const properties = new TaskProperties(ctx, LOG_PURGE_TASK);
    const namespace = await properties.string('namespace');
    const flowId = await properties.string('flowId');
    if (flowId !== undefined && namespace === undefined) throw new TaskPropertyError('flowId', 'flowId needs namespace: name the namespace of the flow whose data is purged');
    const executionId = await properties.string('executionId');
    const levels = (await properties.stringList('logLevels'))?.map((level) => level.toUpperCase() as LogLevel);
    const start = await properties.string('startDate');
    const endDate = isoDate('endDate', (await properties.string('endDate'))!);
    const startDate = start === undefined ? undefined : isoDate('startDate', start);
    let executionLogsCount = 0;
    if (await properties.boolean('purgeExecutionLogs', true)) {
      executionLogsCount = await ctx.repository.logs.purge({ namespace, flowId, executionId, levels, startDate, endDate });
    }
    ctx.logger.info(`purged ${executionLogsCount} logs`);
    return { outputs: { count: executionLogsCount, executionLogsCount, nonExecutionLogsCount: 0 } };
  }
}
