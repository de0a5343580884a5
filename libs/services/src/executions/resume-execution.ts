import type { Execution } from '@osprey/flow-model';
import type { ExecutionCommands } from './execution-commands.js';
import { resumeEvent } from './resume-event.js';

/** Resumes a paused execution, with the inputs its Pause task declares under `onResume` (checked and typed). */
export class ResumeExecution {
  constructor(private readonly commands: ExecutionCommands) {}

  async execute(executionId: string, inputs: Record<string, unknown> = {}): Promise<Execution> {
    return this.apply(await this.commands.load(executionId), inputs);
  }

  /** Throws when the execution cannot be resumed with these inputs (not paused, or an input that does not fit). */
  async check(execution: Execution, inputs: Record<string, unknown> = {}): Promise<void> {
    resumeEvent(execution, await this.commands.flowOf(execution), inputs);
  }

  async apply(execution: Execution, inputs: Record<string, unknown> = {}): Promise<Execution> {
    const event = resumeEvent(execution, await this.commands.flowOf(execution), inputs);
    await this.commands.send(execution.id, event);
    return execution;
  }
}
