import { isTerminated, type Execution } from '@osprey/flow-model';
import { ExecutionConflictError } from './execution-conflict-error.js';
import type { ExecutionCommands } from './execution-commands.js';
import type { ExecutionFiles } from './execution-files.js';

export interface DeleteExecutionOptions {
  deleteLogs?: boolean;
  deleteStorage?: boolean;
}

/**
 * Deletes an ended execution with its task runs, and (by default) its logs and storage files. Running executions
 * must be killed first: the executor is their writer, and it never touches an execution once it has ended.
 */
export class DeleteExecution {
  constructor(
    private readonly commands: ExecutionCommands,
    private readonly files: ExecutionFiles,
  ) {}

  async execute(executionId: string, options: DeleteExecutionOptions = {}): Promise<void> {
    await this.apply(await this.commands.load(executionId), options);
  }

  /** Throws when the execution cannot be deleted (the bulk delete checks every execution before deleting any). */
  check(execution: Execution): void {
    if (!isTerminated(execution.state.current)) {
      throw new ExecutionConflictError(`execution ${execution.id} is ${execution.state.current}: kill it before deleting it`);
    }
  }

  async apply(execution: Execution, options: DeleteExecutionOptions = {}): Promise<void> {
    this.check(execution);
    // Files and logs first: if one of these fails, the execution is still there to retry the delete.
    if (options.deleteStorage !== false) await this.files.deleteAll(execution);
    if (options.deleteLogs !== false) await this.commands.repository.logs.deleteByExecution(execution.id);
    await this.commands.repository.executions.delete(execution.id);
  }
}
