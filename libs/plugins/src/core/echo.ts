import { ECHO_TASK } from '@osprey/flow-model';
import type { RunContext, TaskRunner, TaskRunnerResult } from '../task-runner.js';
import { TaskProperties } from '../support/task-properties.js';

/** `io.kestra.plugin.core.debug.Echo` (deprecated in Kestra for Log): logs the rendered `format` at `level`. */
export class EchoTask implements TaskRunner {
  async run(ctx: RunContext): Promise<TaskRunnerResult> {
    const properties = new TaskProperties(ctx, ECHO_TASK);
    const level = await properties.logLevel('level');
    ctx.logger.log(level, await properties.string('format'));
    return {};
  }
}
