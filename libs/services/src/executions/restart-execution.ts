import { isFailed, type Execution } from '@osprey/flow-model';
import { ExecutionConflictError } from './execution-conflict-error.js';
import type { ExecutionCommands } from './execution-commands.js';

/** Restarts a failed or killed execution: its failed task runs run again, in the same execution. */
export class RestartExecution {
  constructor(private readonly commands: ExecutionCommands) {}

  async execute(executionId: string): Promise<Execution> {
    const execution = await this.commands.load(executionId);
    if (!isFailed(execution.state.current)) {
      throw new ExecutionConflictError(`execution ${executionId} is ${execution.state.current}: only failed or killed executions restart`);
    }
    await this.commands.send(executionId, { type: 'restart' });
    return execution;
  }
}
