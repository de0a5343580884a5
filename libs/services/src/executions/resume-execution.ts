import type { Execution } from '@osprey/flow-model';
import type { ExecutionCommands } from './execution-commands.js';
import { resumeEvent } from './resume-event.js';

/** Resumes a paused execution, with the inputs its Pause task declares under `onResume` (checked and typed). */
export class ResumeExecution {
  constructor(private readonly commands: ExecutionCommands) {}

  async execute(executionId: string, inputs: Record<string, unknown> = {}): Promise<Execution> {
    const execution = await this.commands.load(executionId);
    const event = resumeEvent(execution, await this.commands.flowOf(execution), inputs);
    await this.commands.send(executionId, event);
    return execution;
  }
}
