import { parseDocument } from 'yaml';
import { NotFoundError, type FlowRepository } from '@osprey/repository';
import type { DeployFlow } from './deploy-flow.js';
import type { StoredFlow } from '@osprey/flow-model';

/**
 * Enables or disables a flow the way Kestra does: by setting `disabled` in its source, which makes a new revision
 * (comments and layout of the source are kept). A flow already in the wanted state is left as it is.
 */
export class SetFlowDisabled {
  constructor(private readonly flows: FlowRepository, private readonly deploy: DeployFlow) {}

  async execute(namespace: string, id: string, disabled: boolean): Promise<StoredFlow> {
    const current = await this.flows.get(namespace, id);
    if (!current) throw new NotFoundError('flow', `${namespace}.${id}`);
    if (current.disabled === disabled) return current;
    const document = parseDocument(current.source);
    if (disabled) document.set('disabled', true);
    else document.delete('disabled');
    return this.deploy.execute({ source: document.toString(), mode: 'update', namespace, id });
  }
}
