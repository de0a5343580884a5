import { EXECUTION_PURGE_TASK, isTerminated, type Execution, type StateType } from '@osprey/flow-model';
import type { RunContext, TaskRunner, TaskRunnerResult } from '../task-runner.js';
import { TaskProperties } from '../support/task-properties.js';
import { TaskPropertyError } from '../support/task-errors.js';
import { isoDate } from '../support/iso-date.js';

interface PurgeCounts {
  executionsCount: number;
  taskOutputsCount: number;
  logsCount: number;
  storagesCount: number;
  metricsCount: number;
}

/**
 * `io.kestra.plugin.core.execution.PurgeExecutions`: deletes the ended executions of `namespace` (and its children;
 * exactly that namespace with `flowId`), started at or after `startDate`, ended at or before `endDate`, in `states`,
 * with, as asked, their logs, their files, and the executions themselves with their task runs (outputs and metrics).
 */
export class ExecutionPurgeTask implements TaskRunner {
  async run(ctx: RunContext): Promise<TaskRunnerResult> {
    const properties = new TaskProperties(ctx, EXECUTION_PURGE_TASK);
    const namespace = await properties.string('namespace');
    const flowId = await properties.string('flowId');
    if (flowId !== undefined && namespace === undefined) throw new TaskPropertyError('flowId', 'flowId needs namespace: name the namespace of the flow whose data is purged');
    const start = await properties.string('startDate');
    const startDate = start === undefined ? undefined : isoDate('startDate', start);
    const endDate = isoDate('endDate', (await properties.string('endDate'))!);
    const states = (await properties.stringList('states'))?.map((state) => state.toUpperCase() as StateType);
    const purgeExecution = await properties.boolean('purgeExecution', true);
    const purgeMetric = await properties.boolean('purgeMetric', purgeExecution);
    if (purgeMetric !== purgeExecution) throw new TaskPropertyError('purgeMetric', 'purgeMetric must equal purgeExecution: Osprey keeps metrics on the task runs of their execution, deleted with it and only with it');
    const purgeLog = await properties.boolean('purgeLog', true);
    const purgeStorage = await properties.boolean('purgeStorage', true);
    const batchSize = (await properties.integer('batchSize')) ?? 100;
    if (batchSize < 1) throw new TaskPropertyError('batchSize', `must be at least 1 but got ${batchSize}`);

    // The search bounds the start date only: an execution ends after it starts, so the one ended by endDate are among
    // those started by then. Ids are gathered first, since deleting while paging would shift the pages.
    const ids: string[] = [];
    for (let page = 1; ; page++) {
      const { results } = await ctx.repository.executions.search({
        namespace,
        flowId,
        ...(states ? { state: states } : {}),
        startDate,
        endDate,
        sort: 'state.startDate:asc',
        page,
        size: batchSize,
      });
      for (const execution of results) if (ended(execution, endDate) && (flowId === undefined || execution.namespace === namespace)) ids.push(execution.id);
      if (results.length < batchSize) break;
    }

    const counts: PurgeCounts = { executionsCount: 0, taskOutputsCount: 0, logsCount: 0, storagesCount: 0, metricsCount: 0 };
    for (const id of ids) {
      const execution = await ctx.repository.executions.get(id);
      if (execution === null || !isTerminated(execution.state.current)) continue;
      // Files and logs first: if one of these fails, the execution is still there for the next purge to find.
      if (purgeStorage) counts.storagesCount += await ctx.executionFiles.deleteAll(execution);
      if (purgeLog) counts.logsCount += await ctx.repository.logs.deleteByExecution(id);
      if (purgeExecution && (await ctx.repository.executions.delete(id))) {
        counts.executionsCount++;
        for (const taskRun of execution.taskRunList ?? []) {
          if (taskRun.outputs !== undefined && Object.keys(taskRun.outputs).length > 0) counts.taskOutputsCount++;
          for (const attempt of taskRun.attempts) counts.metricsCount += attempt.metrics?.length ?? 0;
        }
      }
    }
    ctx.logger.info(`purged ${counts.executionsCount} executions, ${counts.logsCount} logs, ${counts.storagesCount} files`);
    return { outputs: { ...counts } };
  }
}

function ended(execution: Execution, endDate: string): boolean {
  const end = execution.state.endDate;
  return isTerminated(execution.state.current) && end !== undefined && Date.parse(end) <= Date.parse(endDate);
}
