import type { Execution, ExecutionEvent, Flow, TaskRun } from '@osprey/flow-model';
import type { ExecutionEventQueue } from '@osprey/queue';
import { NotFoundError, type Repository } from '@osprey/repository';

/**
 * What every use case that changes an existing execution shares: it reads the execution, checks what its state
 * allows and sends an event to the executor, the single writer of executions. Nothing here writes an execution.
 */
export class ExecutionCommands {
  constructor(
    readonly repository: Repository,
    readonly events: ExecutionEventQueue,
  ) {}

  async load(executionId: string): Promise<Execution> {
    const execution = await this.repository.executions.get(executionId);
    if (!execution) throw new NotFoundError('execution', executionId);
    return execution;
  }

  async flowOf(execution: Execution): Promise<Flow> {
    const stored = await this.repository.flows.get(execution.namespace, execution.flowId, execution.flowRevision);
    if (!stored) throw new NotFoundError('flow', `${execution.namespace}.${execution.flowId} revision ${execution.flowRevision}`);
    return stored.flow;
  }

  taskRun(execution: Execution, taskRunId: string): TaskRun {
    const run = execution.taskRunList.find((r) => r.id === taskRunId);
    if (!run) throw new NotFoundError('task run', `${taskRunId} of execution ${execution.id}`);
    return run;
  }

  send(executionId: string, event: ExecutionEvent): Promise<void> {
    return this.events.emit([{ executionId, event }]);
  }
}
