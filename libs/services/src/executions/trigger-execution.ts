import type { Execution, ExecutionTrigger, Label } from '@osprey/flow-model';
import type { ExecutionEventQueue } from '@osprey/queue';
import { NotFoundError, type FlowRepository } from '@osprey/repository';
import { newId } from '@osprey/server';
import { newExecution } from './new-execution.js';

export interface TriggerExecutionCommand {
  namespace: string;
  flowId: string;
  revision?: number;
  inputs?: Record<string, unknown>;
  labels?: Label[];
  trigger?: ExecutionTrigger;
  scheduleDate?: string;
  /** The id to give the execution, when the caller stored files under its prefix first (uploaded FILE inputs). */
  executionId?: string;
}

export class FlowDisabledError extends Error {
  constructor(readonly namespace: string, readonly flowId: string) {
    super(`flow ${namespace}.${flowId} is disabled`);
    this.name = 'FlowDisabledError';
  }
}

/** Starts an execution of a flow: the one way the API, the CLI and the scheduler create executions. */
export class TriggerExecution {
  constructor(
    private readonly flows: FlowRepository,
    private readonly events: ExecutionEventQueue,
    private readonly clock: () => Date = () => new Date(),
  ) {}

  async execute(command: TriggerExecutionCommand): Promise<Execution> {
    const stored = await this.flows.get(command.namespace, command.flowId, command.revision);
    if (!stored || stored.deleted) throw new NotFoundError('flow', `${command.namespace}.${command.flowId}`);
    if (stored.disabled || stored.flow.disabled) throw new FlowDisabledError(command.namespace, command.flowId);
    const execution = newExecution(
      {
        flow: stored.flow,
        revision: stored.revision,
        inputs: command.inputs,
        labels: command.labels,
        trigger: command.trigger,
        scheduleDate: command.scheduleDate,
      },
      command.executionId ?? newId(),
      this.clock(),
    );
    await this.events.emit([{ executionId: execution.id, event: { type: 'start' }, execution }]);
    return execution;
  }
}
