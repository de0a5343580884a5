import { KV_GET_TASK } from '@osprey/flow-model';
import type { RunContext, TaskRunner, TaskRunnerResult } from '../task-runner.js';
import { TaskFailure } from '../task-runner.js';
import { TaskProperties } from '../support/task-properties.js';
import { validateKvKey } from './kv-key.js';

/** `io.kestra.plugin.core.kv.Get`: outputs the `value` stored under `key`; `errorOnMissing` fails when absent. */
export class KvGetTask implements TaskRunner {
  async run(ctx: RunContext): Promise<TaskRunnerResult> {
    const properties = new TaskProperties(ctx, KV_GET_TASK);
    const namespace = (await properties.string('namespace')) ?? ctx.namespace;
    const key = validateKvKey(await properties.string('key'));
    const errorOnMissing = await properties.boolean('errorOnMissing', false);
    const value = await ctx.kv(namespace).get(key);
    if (value === undefined) {
      if (errorOnMissing) {
        throw new TaskFailure(`No value found for key '${key}' in namespace '${namespace}' and \`errorOnMissing\` is set to true`);
      }
      return { outputs: {} };
    }
    return { outputs: { value } };
  }
}
