import { isFailed, type Execution } from '@osprey/flow-model';
import { ExecutionConflictError } from './execution-conflict-error.js';
import type { ExecutionCommands } from './execution-commands.js';

/** Restarts a failed or killed execution: its failed task runs run again, in the same execution. */
export class RestartExecution {
  constructor(private readonly commands: ExecutionCommands) {}

  async execute(executionId: string): Promise<Execution> {
    return this.apply(await this.commands.load(executionId));
  }

  /** Throws when the execution cannot be restarted (the bulk restart checks every execution before restarting any). */
  check(execution: Execution): void {
    if (!isFailed(execution.state.current)) {
      throw new ExecutionConflictError(`execution ${execution.id} is ${execution.state.current}: only failed or killed executions restart`);
    }
  }

  async apply(execution: Execution): Promise<Execution> {
    this.check(execution);
    await this.commands.send(execution.id, { type: 'restart' });
    return execution;
  }
}
