import { allTasks, resolveInputs, type Execution, type FlowInput } from '@osprey/flow-model';
import { ExecutionConflictError } from './execution-conflict-error.js';
import type { ExecutionCommands } from './execution-commands.js';

/** Resumes a paused execution, with the inputs its Pause task declares under `onResume` (checked and typed). */
export class ResumeExecution {
  constructor(private readonly commands: ExecutionCommands) {}

  async execute(executionId: string, inputs: Record<string, unknown> = {}): Promise<Execution> {
    const execution = await this.commands.load(executionId);
    const paused = execution.taskRunList.filter((r) => r.state.current === 'PAUSED');
    if (execution.state.current !== 'PAUSED' || paused.length === 0) {
      throw new ExecutionConflictError(`execution ${executionId} is ${execution.state.current}, not PAUSED`);
    }
    const flow = await this.commands.flowOf(execution);
    const run = paused[0]!;
    const declared = allTasks(flow).find((t) => t.id === run.taskId)?.onResume as FlowInput[] | undefined;
    // Without declarations the inputs are passed as given, as Kestra does.
    const typed = Array.isArray(declared) && declared.length > 0 ? resolveInputs({ inputs: declared }, inputs) : inputs;
    await this.commands.send(executionId, { type: 'resume', taskRunId: run.id, inputs: Object.keys(typed).length > 0 ? typed : undefined });
    return execution;
  }
}
