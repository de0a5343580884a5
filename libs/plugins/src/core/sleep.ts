import { SLEEP_TASK } from '@osprey/flow-model';
import type { RunContext, TaskRunner, TaskRunnerResult } from '../task-runner.js';
import { TaskProperties } from '../support/task-properties.js';
import { TaskPropertyError } from '../support/task-errors.js';
import { abortableDelay } from '../support/abortable-delay.js';

/** `io.kestra.plugin.core.flow.Sleep`: waits for the ISO-8601 `duration`; a kill stops the wait at once. */
export class SleepTask implements TaskRunner {
  async run(ctx: RunContext): Promise<TaskRunnerResult> {
    const duration = (await new TaskProperties(ctx, SLEEP_TASK).duration('duration'))!;
    if (duration < 0) throw new TaskPropertyError('duration', 'must not be negative');
    await abortableDelay(duration, ctx.signal);
    return {};
  }
}
