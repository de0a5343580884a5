import { KV_DELETE_TASK } from '@osprey/flow-model';
import type { RunContext, TaskRunner, TaskRunnerResult } from '../task-runner.js';
import { TaskFailure } from '../task-runner.js';
import { TaskProperties } from '../support/task-properties.js';
import { validateKvKey } from './kv-key.js';

/** `io.kestra.plugin.core.kv.Delete`: deletes `key`; outputs `deleted`; `errorOnMissing` fails when absent. */
export class KvDeleteTask implements TaskRunner {
  async run(ctx: RunContext): Promise<TaskRunnerResult> {
    const properties = new TaskProperties(ctx, KV_DELETE_TASK);
    const namespace = (await properties.string('namespace')) ?? ctx.namespace;
    const key = validateKvKey(await properties.string('key'));
    const errorOnMissing = await properties.boolean('errorOnMissing', false);
    const deleted = await ctx.kv(namespace).delete(key);
    if (!deleted && errorOnMissing) {
      throw new TaskFailure(`No value found for key '${key}' in namespace '${namespace}' and \`errorOnMissing\` is set to true`);
    }
    return { outputs: { deleted } };
  }
}
