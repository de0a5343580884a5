import type { FlowRepository } from '@osprey/repository';
import type { StoredFlow } from '@osprey/flow-model';
import type { DeleteFlow } from './delete-flow.js';
import type { FlowSourceFile } from './flow-archive.js';
import type { ImportFlows } from './import-flows.js';

export interface NamespaceSyncResult {
  /** The flows of the body, created or revised, in body order. */
  stored: StoredFlow[];
  /** The namespace's flows the body did not hold, now deleted (empty when deletion was not asked for). */
  deleted: StoredFlow[];
}

/**
 * Makes a namespace hold exactly the flows given (CI deploys, Kestra's `flow namespace update`): every flow must be in
 * the namespace and all are validated before anything is written; with `deleteMissing`, the namespace's other flows
 * (exactly that namespace, not its children) are deleted after the given ones are stored.
 */
export class SyncNamespaceFlows {
  constructor(private readonly flows: FlowRepository, private readonly importFlows: ImportFlows, private readonly remove: DeleteFlow) {}

  async execute(namespace: string, files: FlowSourceFile[], options: { deleteMissing: boolean }): Promise<NamespaceSyncResult> {
    const stored = files.length === 0 ? [] : await this.importFlows.execute(files, { namespace });
    const deleted: StoredFlow[] = [];
    if (options.deleteMissing) {
      const kept = new Set(stored.map((f) => f.id));
      for (const flow of await this.flows.list(namespace)) {
        if (flow.namespace !== namespace || kept.has(flow.id)) continue;
        await this.remove.execute(flow.namespace, flow.id);
        deleted.push({ ...flow, deleted: true });
      }
    }
    return { stored, deleted };
  }
}
