import { parseFlow, type ParseFlowOptions, type StoredFlow } from '@osprey/flow-model';
import type { BroadcastQueue } from '@osprey/queue';
import { NotFoundError, type FlowRepository } from '@osprey/repository';
import { FlowConflictError } from './flow-conflict-error.js';

export interface DeployFlowCommand {
  /** The flow's YAML source, stored verbatim. */
  source: string;
  /** Named in violations (a file of an import). */
  fileName?: string;
  /**
   * `create`: the flow must not exist yet (an identical source is accepted, so retries are harmless);
   * `update`: the flow must exist and the source must keep its namespace and id; `upsert`: either.
   */
  mode: 'create' | 'update' | 'upsert';
  /** For `update`: the flow the request names. */
  namespace?: string;
  id?: string;
}

/**
 * Validates a flow source and stores it as a new revision (an unchanged source keeps the current one), then tells
 * every process (executor and scheduler caches) that the flow changed. The one way flows are written.
 */
export class DeployFlow {
  constructor(
    private readonly flows: FlowRepository,
    private readonly broadcast: BroadcastQueue,
    /** What the backend can run that validation depends on (precondition windows). */
    private readonly parseOptions: Pick<ParseFlowOptions, 'storedPreconditions'> = {},
  ) {}

  async execute(command: DeployFlowCommand): Promise<StoredFlow> {
    const flow = parseFlow(command.source, { ...this.parseOptions, fileName: command.fileName });
    if (command.mode === 'update') {
      if (flow.namespace !== command.namespace || flow.id !== command.id) {
        throw new FlowConflictError(
          `the source declares flow ${flow.namespace}.${flow.id} but the request names ${command.namespace}.${command.id}: a flow's namespace and id cannot change`,
        );
      }
    }
    const current = await this.flows.get(flow.namespace, flow.id);
    if (command.mode === 'update' && !current) throw new NotFoundError('flow', `${flow.namespace}.${flow.id}`);
    if (command.mode === 'create' && current && current.source !== command.source) {
      throw new FlowConflictError(`flow ${flow.namespace}.${flow.id} already exists: update it with PUT /api/v1/flows/${flow.namespace}/${flow.id}`);
    }
    const stored = await this.flows.save(flow, command.source);
    if (stored.revision !== current?.revision) await this.changed(stored.namespace, stored.id);
    return stored;
  }

  async changed(namespace: string, flowId: string): Promise<void> {
    await this.broadcast.publish({ type: 'flowChanged', namespace, flowId });
  }
}
