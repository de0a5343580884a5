import { ASSERT_TASK } from '@osprey/flow-model';
import { TaskFailure, type RunContext, type TaskRunner, type TaskRunnerResult } from '../task-runner.js';
import { isTruthyText } from '../support/kestra-truth.js';
import { TaskProperties } from '../support/task-properties.js';
import { throwIfAborted } from '../support/task-errors.js';

/**
 * `io.kestra.plugin.core.execution.Assert`: renders each of `conditions`; each false one (or one that does not render)
 * is logged at ERROR, and the task fails with `N assertion(s) failed!` and `errorMessage` on the next line.
 * Metrics: counters `success` and `failed`.
 */
export class AssertTask implements TaskRunner {
  async run(ctx: RunContext): Promise<TaskRunnerResult> {
    const properties = new TaskProperties(ctx, ASSERT_TASK);
    let success = 0;
    let failed = 0;
    for (const condition of properties.raw('conditions') as string[]) {
      let rendered: string;
      try {
        rendered = await properties.render(String(condition));
      } catch (error) {
        throwIfAborted(ctx.signal);
        ctx.logger.error(`Assertion \`${condition}\` failed, failed to render \`${(error as Error).message}\``);
        failed++;
        continue;
      }
      if (isTruthyText(rendered)) {
        success++;
      } else {
        ctx.logger.error(`Assertion \`${condition}\` failed!`);
        failed++;
      }
    }
    ctx.metric({ name: 'success', type: 'counter', value: success });
    ctx.metric({ name: 'failed', type: 'counter', value: failed });
    if (failed > 0) {
      const message = await properties.string('errorMessage');
      throw new TaskFailure(`${failed} assertion${failed > 1 ? 's' : ''} failed!${message === undefined ? '' : `\n${message}`}`);
    }
    return {};
  }
}
