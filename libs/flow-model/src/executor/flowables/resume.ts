import { RESUME_TASK } from '../../flow/task-types.js';
import type { TaskRun } from '../../execution/execution.js';
import { renderValue } from '../../expression/index.js';
import { RUNNING, newAttempt, type Flowable, type FlowableContext, type FlowableTask } from './flowable.js';

type ResumeTask = FlowableTask<typeof RESUME_TASK>;

/**
 * Resume: asks for a paused execution (the current one by default) to be resumed with `inputs`. The executor service
 * checks that it exists, is PAUSED and belongs to `namespace`/`flowId` when the task names them, types the inputs by
 * its Pause's `onResume`, then sends it the resume; the Resume run ends SUCCESS, or FAILED naming what was wrong.
 */
export const resumeFlowable: Flowable<ResumeTask> = {
  start(run, task, ctx) {
    requestResume(run, task, ctx);
    return run;
  },
  // The run waits for the executor service's answer (a taskResult).
  resolveNexts: () => RUNNING,
  retry(run, task, ctx) {
    requestResume(newAttempt(run, ctx), task, ctx);
  },
};

function requestResume(run: TaskRun, task: ResumeTask, ctx: FlowableContext): void {
  const execution = ctx.execution;
  const text = (value: unknown): string | undefined => {
    const rendered = ctx.evaluate(value, task, run);
    return rendered === undefined || rendered === null || rendered === '' ? undefined : String(rendered);
  };
  const namespace = text(task.namespace);
  const flowId = text(task.flowId);
  const inputs = typeof task.inputs === 'string' ? ctx.evaluate(task.inputs, task, run) : task.inputs && renderValue(task.inputs, ctx.variablesFor(task, run), ctx.render);
  if (inputs !== undefined && (inputs === null || typeof inputs !== 'object' || Array.isArray(inputs))) throw new Error(`inputs must be a map, got ${JSON.stringify(inputs)}`);
  ctx.act({
    type: 'resumeExecution',
    request: {
      sourceExecutionId: execution.id,
      taskRunId: run.id,
      attempt: Math.max(1, run.attempts.length),
      executionId: text(task.executionId) ?? execution.id,
      ...(namespace ? { namespace } : {}),
      ...(flowId ? { flowId } : {}),
      ...(inputs ? { inputs: inputs as Record<string, unknown> } : {}),
    },
  });
}
