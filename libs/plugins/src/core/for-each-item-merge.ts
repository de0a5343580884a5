import { toIonText } from '@osprey/flow-model';
import type { RunContext, TaskRunner, TaskRunnerResult } from '../task-runner.js';
import { ItemFileWriter } from '../support/item-file-writer.js';

/**
 * The `<id>_merge` run of a ForEachItem: writes the flow outputs of its waited-for subflows, one ION line a subflow
 * in batch order, to one file, output as `subflowOutputs` (as Kestra). Without such outputs (no `wait`, or a subflow
 * declaring none) it outputs nothing.
 */
export class ForEachItemMergeTask implements TaskRunner {
  async run(ctx: RunContext): Promise<TaskRunnerResult> {
    const items = siblingOutputs(ctx.variables, `${ctx.task.id.slice(0, -'_merge'.length)}_items`);
    const flowOutputs = items?.flowOutputs;
    if (!Array.isArray(flowOutputs) || flowOutputs.length === 0) return { outputs: {} };
    const writer = await ItemFileWriter.open(ctx);
    for (const values of flowOutputs) await writer.write(toIonText(values));
    return { outputs: { subflowOutputs: await writer.store(ctx) } };
  }
}

/**
 * The outputs of a run beside this one (same parent, same loop value): `outputs.<taskId>`, under the loop values of
 * its parents when it is inside loops, as the `outputs` variable nests them.
 */
function siblingOutputs(variables: Record<string, unknown>, taskId: string): Record<string, unknown> | undefined {
  const own = (variables.taskrun as { value?: unknown } | undefined)?.value;
  const parents = ((variables.parents ?? []) as { taskrun?: { value?: unknown } }[]).map((parent) => parent.taskrun?.value);
  const chain: string[] = [];
  let last: unknown;
  for (const value of [own, ...parents].reverse().map((v) => v ?? undefined)) {
    if (value !== undefined && value !== last) chain.push(String(value));
    last = value;
  }
  let node = (variables.outputs as Record<string, unknown> | undefined)?.[taskId];
  for (const value of chain) node = (node as Record<string, unknown> | undefined)?.[value];
  return node as Record<string, unknown> | undefined;
}
