import { TRIGGER_TOGGLE_TASK } from '@osprey/flow-model';
import type { RunContext, TaskRunner, TaskRunnerResult } from '../task-runner.js';
import { TaskProperties } from '../support/task-properties.js';

/**
 * `io.kestra.plugin.core.trigger.Toggle`: enables (`enabled: true`) or disables (the default) the trigger `trigger` of
 * the flow `namespace`/`flowId` (default the current flow), as the API's trigger enable/disable does. No outputs.
 */
export class TriggerToggleTask implements TaskRunner {
  async run(ctx: RunContext): Promise<TaskRunnerResult> {
    const properties = new TaskProperties(ctx, TRIGGER_TOGGLE_TASK);
    const namespace = (await properties.string('namespace')) ?? ctx.namespace;
    const flowId = (await properties.string('flowId')) ?? ctx.flowId;
    const triggerId = (await properties.string('trigger'))!;
    const enabled = await properties.boolean('enabled', false);
    await ctx.triggers.setEnabled({ namespace, flowId, triggerId }, enabled);
    ctx.logger.info(`trigger ${namespace}.${flowId}.${triggerId} ${enabled ? 'enabled' : 'disabled'}`);
    return {};
  }
}
