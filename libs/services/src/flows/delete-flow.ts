import { NotFoundError, type FlowRepository } from '@osprey/repository';
import type { DeployFlow } from './deploy-flow.js';

/** Deletes a flow (its revisions stay, for the executions that ran them) and tells every process. */
export class DeleteFlow {
  constructor(private readonly flows: FlowRepository, private readonly deploy: DeployFlow) {}

  async execute(namespace: string, id: string): Promise<void> {
    if (!(await this.flows.delete(namespace, id))) throw new NotFoundError('flow', `${namespace}.${id}`);
    await this.deploy.changed(namespace, id);
  }
}
