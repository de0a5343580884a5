import { LOG_TASK } from '@osprey/flow-model';
import type { RunContext, TaskRunner, TaskRunnerResult } from '../task-runner.js';
import { TaskProperties, toText } from '../support/task-properties.js';

/** `io.kestra.plugin.core.log.Log`: logs a rendered message, or each message of a list, at `level` (INFO). */
export class LogTask implements TaskRunner {
  async run(ctx: RunContext): Promise<TaskRunnerResult> {
    const properties = new TaskProperties(ctx, LOG_TASK);
    const level = await properties.logLevel('level');
    const message = properties.raw('message');
    const messages = Array.isArray(message) ? message : [message];
    for (const item of messages) {
      const text = typeof item === 'string' ? await ctx.renderString(item) : toText(await ctx.render(item));
      ctx.logger.log(level, text);
    }
    return {};
  }
}
