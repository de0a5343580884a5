import { isTerminated, type Execution } from '@osprey/flow-model';
import { ExecutionConflictError } from './execution-conflict-error.js';
import type { ExecutionCommands } from './execution-commands.js';

/** Kills a running execution: its running task runs end KILLED and their workers stop them. */
export class KillExecution {
  constructor(private readonly commands: ExecutionCommands) {}

  async execute(executionId: string): Promise<Execution> {
    const execution = await this.commands.load(executionId);
    if (isTerminated(execution.state.current)) {
      throw new ExecutionConflictError(`execution ${executionId} already ended ${execution.state.current}`);
    }
    await this.commands.send(executionId, { type: 'kill' });
    return execution;
  }
}
