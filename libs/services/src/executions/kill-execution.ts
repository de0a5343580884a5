import { isTerminated, type Execution } from '@osprey/flow-model';
import { ExecutionConflictError } from './execution-conflict-error.js';
import type { ExecutionCommands } from './execution-commands.js';

/**
 * Kills a running execution: its running task runs end KILLED and their workers stop them; with `cascade` (the
 * default, as Kestra's `isOnKillCascade`) the executions its Subflow tasks started are killed too.
 */
export class KillExecution {
  constructor(private readonly commands: ExecutionCommands) {}

  async execute(executionId: string, cascade = true): Promise<Execution> {
    const execution = await this.commands.load(executionId);
    if (isTerminated(execution.state.current)) {
      throw new ExecutionConflictError(`execution ${executionId} already ended ${execution.state.current}`);
    }
    await this.commands.send(executionId, { type: 'kill', cascade });
    return execution;
  }
}
