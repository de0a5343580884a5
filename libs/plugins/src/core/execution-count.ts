import { EXECUTION_COUNT_TASK, type StateType } from '@osprey/flow-model';
import type { RunContext, TaskRunner, TaskRunnerResult } from '../task-runner.js';
import { TaskProperties, isPlainObject } from '../support/task-properties.js';
import { TaskPropertyError } from '../support/task-errors.js';
import { isoDate } from '../support/iso-date.js';

interface CountResult {
  namespace: string;
  flowId?: string;
  count: number;
}

/**
 * `io.kestra.plugin.core.execution.Count`: counts the executions started between `startDate` and `endDate` (in
 * `states` if set) of each flow of `flows` (zero included) and of each namespace of `namespaces` (exact namespace,
 * those with executions only), keeps the counts for which `expression` renders `true` with the `count` variable,
 * and outputs them as `results` ({namespace, flowId, count}; no flowId for a namespace) with their `total`.
 */
export class ExecutionCountTask implements TaskRunner {
  async run(ctx: RunContext): Promise<TaskRunnerResult> {
    const properties = new TaskProperties(ctx, EXECUTION_COUNT_TASK);
    const flows = ((await properties.list('flows')) ?? []).map((flow, index) => {
      if (!isPlainObject(flow) || typeof flow['namespace'] !== 'string' || typeof flow['flowId'] !== 'string' || Object.keys(flow).some((key) => key !== 'namespace' && key !== 'flowId')) {
        throw new TaskPropertyError('flows', `item ${index} must be a map of namespace and flowId`);
      }
      return { namespace: flow['namespace'], flowId: flow['flowId'] };
    });
    const namespaces = (await properties.stringList('namespaces')) ?? [];
    if (!properties.has('flows') && !properties.has('namespaces')) throw new TaskPropertyError('flows', 'you must provide a list of flows or namespaces');
    const states = (await properties.stringList('states'))?.map((state) => state.toUpperCase() as StateType);
    const startDate = isoDate('startDate', await properties.string('startDate'));
    const endDate = isoDate('endDate', (await properties.string('endDate')) ?? new Date().toISOString());
    const expression = String(properties.raw('expression'));

    const count = async (namespace: string, flowId?: string) =>
      (
        await ctx.repository.executions.search({
          ...(flowId === undefined ? {} : { flowId }),
          ...(states ? { state: states } : {}),
          startDate,
          endDate,
          filters: [{ field: 'namespace', operation: 'EQUALS', values: [namespace] }],
          size: 1,
        })
      ).total;
    const counted: CountResult[] = [];
    for (const flow of flows) counted.push({ ...flow, count: await count(flow.namespace, flow.flowId) });
    for (const namespace of namespaces) {
      const total = await count(namespace);
      if (total > 0) counted.push({ namespace, count: total });
    }
    ctx.logger.trace(`${counted.length} flows matching filters`);

    const results: CountResult[] = [];
    for (const result of counted) if ((await ctx.renderString(expression, { count: result.count })).trim() === 'true') results.push(result);
    ctx.logger.debug(`${results.length} flows matching the expression`);
    return { outputs: { results, total: results.reduce((sum, result) => sum + result.count, 0) } };
  }
}
