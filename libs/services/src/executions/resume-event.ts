import { allTasks, resolveInputs, type Execution, type ExecutionEvent, type Flow, type FlowInput } from '@osprey/flow-model';
import { ExecutionConflictError } from './execution-conflict-error.js';

/**
 * The event that resumes a paused execution, with the inputs its Pause task declares under `onResume` checked and
 * typed; shared by the resume endpoint and the Resume task. Throws when the execution is not PAUSED.
 */
export function resumeEvent(execution: Execution, flow: Flow, inputs: Record<string, unknown> = {}): ExecutionEvent {
  const paused = execution.taskRunList.filter((r) => r.state.current === 'PAUSED');
  if (execution.state.current !== 'PAUSED' || paused.length === 0) {
    throw new ExecutionConflictError(`execution ${execution.id} is ${execution.state.current}, not PAUSED`);
  }
  const run = paused[0]!;
  const declared = allTasks(flow).find((t) => t.id === run.taskId)?.onResume as FlowInput[] | undefined;
  // Without declarations the inputs are passed as given, as Kestra does.
  const typed = Array.isArray(declared) && declared.length > 0 ? resolveInputs({ inputs: declared }, inputs) : inputs;
  return { type: 'resume', taskRunId: run.id, inputs: Object.keys(typed).length > 0 ? typed : undefined };
}
