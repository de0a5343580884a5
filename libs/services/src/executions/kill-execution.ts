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
    return this.apply(await this.commands.load(executionId), cascade);
  }

  /** Throws when the execution cannot be killed (the bulk kill checks every execution before killing any). */
  check(execution: Execution): void {
    if (isTerminated(execution.state.current)) {
      throw new ExecutionConflictError(`execution ${execution.id} already ended ${execution.state.current}`);
    }
  }

  async apply(execution: Execution, cascade = true): Promise<Execution> {
    this.check(execution);
    await this.commands.send(execution.id, { type: 'kill', cascade });
    return execution;
  }
}
