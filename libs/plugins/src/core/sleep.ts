import { setTimeout as wait } from 'node:timers/promises';
import { SLEEP_TASK } from '@osprey/flow-model';
import type { RunContext, TaskRunner, TaskRunnerResult } from '../task-runner.js';
import { TaskProperties } from '../support/task-properties.js';
import { TaskAbortedError, TaskPropertyError, throwIfAborted } from '../support/task-errors.js';

/** A timer holds at most 2^31-1 ms: a longer sleep waits in steps. */
const MAX_TIMER_MS = 2_147_483_647;

/** `io.kestra.plugin.core.flow.Sleep`: waits for the ISO-8601 `duration`; a kill stops the wait at once. */
export class SleepTask implements TaskRunner {
  async run(ctx: RunContext): Promise<TaskRunnerResult> {
    const duration = (await new TaskProperties(ctx, SLEEP_TASK).duration('duration'))!;
    if (duration < 0) throw new TaskPropertyError('duration', 'must not be negative');
    throwIfAborted(ctx.signal);
    try {
      for (let left = duration; left > 0; left -= MAX_TIMER_MS) await wait(Math.min(left, MAX_TIMER_MS), undefined, { signal: ctx.signal });
    } catch (error) {
      if (ctx.signal.aborted) throw new TaskAbortedError(ctx.signal.reason);
      throw error;
    }
    return {};
  }
}
