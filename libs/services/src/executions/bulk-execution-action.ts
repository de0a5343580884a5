import { InputValidationError, type Execution } from '@osprey/flow-model';
import { NotFoundError } from '@osprey/repository';
import { BulkActionError, type BulkInvalid } from './bulk-action-error.js';
import { ExecutionConflictError } from './execution-conflict-error.js';
import type { ExecutionCommands } from './execution-commands.js';

/** The single action's own check and apply (KillExecution, RestartExecution, ...), run on each execution of a bulk. */
export interface ExecutionAction {
  check(execution: Execution): void | Promise<void>;
  apply(execution: Execution): Promise<unknown>;
}

/**
 * Runs one action on many executions, all or nothing as Kestra's bulk endpoints do: every execution is loaded and
 * checked first, and one that is unknown or refuses the action fails the whole bulk with each refusal listed
 * (BulkActionError); otherwise the action is applied to each, in order.
 */
export class BulkExecutionAction {
  constructor(private readonly commands: ExecutionCommands) {}

  async execute(name: string, executionIds: readonly string[], action: ExecutionAction): Promise<{ count: number }> {
    const executions: Execution[] = [];
    const invalids: BulkInvalid[] = [];
    for (const id of new Set(executionIds)) {
      try {
        const execution = await this.commands.load(id);
        await action.check(execution);
        executions.push(execution);
      } catch (error) {
        invalids.push({ message: refusal(error), invalidValue: id });
      }
    }
    if (invalids.length > 0) throw new BulkActionError(name, invalids);
    for (const execution of executions) await action.apply(execution);
    return { count: executions.length };
  }
}

/** Only the refusals a check makes become an invalid entry; anything else (a backend down) fails the request as it is. */
function refusal(error: unknown): string {
  if (error instanceof NotFoundError) return 'execution not found';
  if (error instanceof ExecutionConflictError || error instanceof InputValidationError) return error.message;
  throw error;
}
