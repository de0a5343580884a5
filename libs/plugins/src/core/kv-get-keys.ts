import { KV_GET_KEYS_TASK } from '@osprey/flow-model';
import type { RunContext, TaskRunner, TaskRunnerResult } from '../task-runner.js';
import { TaskProperties } from '../support/task-properties.js';

/** `io.kestra.plugin.core.kv.GetKeys`: outputs the `keys` of a namespace's store (live ones), those starting with `prefix` if set. */
export class KvGetKeysTask implements TaskRunner {
  async run(ctx: RunContext): Promise<TaskRunnerResult> {
    const properties = new TaskProperties(ctx, KV_GET_KEYS_TASK);
    const namespace = (await properties.string('namespace')) ?? ctx.namespace;
    const prefix = await properties.string('prefix');
    const entries = await ctx.kv(namespace).list();
    const keys = entries.map((entry) => entry.key).filter((key) => prefix === undefined || key.startsWith(prefix));
    return { outputs: { keys } };
  }
}
