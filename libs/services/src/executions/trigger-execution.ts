import { BackendUnavailableError, withState, type Execution, type ExecutionTrigger, type Label, type StoredFlow } from '@osprey/flow-model';
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
  /** Create the execution FAILED, without inputs and without running it (a Schedule whose conditions cannot be evaluated). */
  failed?: boolean;
}

export class FlowDisabledError extends Error {
  constructor(readonly namespace: string, readonly flowId: string) {
    super(`flow ${namespace}.${flowId} is disabled`);
    this.name = 'FlowDisabledError';
  }
}

/** Starts an execution of a flow: the one way the API, the CLI and the scheduler create executions. */
export class TriggerExecution {
  /** The latest revision of each flow as last read, for when the repository cannot be reached (see execute). */
  private readonly lastKnown = new Map<string, StoredFlow>();

  constructor(
    private readonly flows: FlowRepository,
    private readonly events: ExecutionEventQueue,
    private readonly clock: () => Date = () => new Date(),
  ) {}

  async execute(command: TriggerExecutionCommand): Promise<Execution> {
    const stored = await this.flow(command);
    if (!stored || stored.deleted) throw new NotFoundError('flow', `${command.namespace}.${command.flowId}`);
    if (stored.disabled || stored.flow.disabled) throw new FlowDisabledError(command.namespace, command.flowId);
    const now = this.clock();
    let execution = newExecution(
      {
        // A failed execution reads no inputs: a required one without a value must not stop it from being recorded.
        flow: command.failed ? { ...stored.flow, inputs: [] } : stored.flow,
        revision: stored.revision,
        inputs: command.failed ? undefined : command.inputs,
        labels: command.labels,
        trigger: command.trigger,
        scheduleDate: command.scheduleDate,
      },
      command.executionId ?? newId(),
      now,
    );
    if (command.failed) execution = { ...execution, state: withState(execution.state, 'FAILED', now) };
    await this.events.emit([{ executionId: execution.id, event: { type: 'start' }, execution }]);
    return execution;
  }

  /**
   * Reads the flow; when the repository is unreachable (a search-server outage on Kafka deployments, where the
   * queue still works), the latest revision this process last read lets executions start all the same. Flows
   * cannot be saved during such an outage either, so that copy is current unless saved just before it began.
   */
  private async flow(command: TriggerExecutionCommand): Promise<StoredFlow | null> {
    const key = `${command.namespace}\u0000${command.flowId}`;
    try {
      const stored = await this.flows.get(command.namespace, command.flowId, command.revision);
      if (command.revision === undefined) {
        if (stored) this.lastKnown.set(key, stored);
        else this.lastKnown.delete(key);
      }
      return stored;
    } catch (error) {
      const known = command.revision === undefined ? this.lastKnown.get(key) : undefined;
      if (!known || !(error instanceof BackendUnavailableError)) throw error;
      return known;
    }
  }
}
