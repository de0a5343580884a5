import type { ServiceInstance, ServiceInstanceRepository } from '../ports.js';
import type { SearchContext } from './search-context.js';
import { SearchFilter } from './search-query.js';

interface InstanceDocument {
  id: string;
  type: string;
  state: ServiceInstance['state'];
  heartbeatMs: number;
  instance: ServiceInstance;
}

function toDocument(instance: ServiceInstance): InstanceDocument {
  const millis = Date.parse(instance.heartbeatAt);
  return { id: instance.id, type: instance.type, state: instance.state, heartbeatMs: Number.isNaN(millis) ? Date.now() : millis, instance };
}

export class SearchServiceInstanceRepository implements ServiceInstanceRepository {
  constructor(private readonly ctx: SearchContext) {}

  async heartbeat(instance: ServiceInstance): Promise<void> {
    await this.ctx.client.put(this.ctx.indices.instances, instance.id, toDocument(instance), { refresh: this.ctx.refresh });
  }

  async list(): Promise<ServiceInstance[]> {
    return (await this.ctx.client.searchAll<InstanceDocument>(this.ctx.indices.instances, { match_all: {} }, [{ id: { order: 'asc' } }])).map((hit) => hit._source.instance);
  }

  /**
   * Each stale instance is marked DEAD by a conditional write: when several executors reap at once, each
   * instance is reported by the one whose write landed.
   */
  async reapDead(timeoutMs: number, now: Date): Promise<ServiceInstance[]> {
    const { client, indices, refresh } = this.ctx;
    const query = new SearchFilter()
      .oneOf('state', ['RUNNING', 'TERMINATING'])
      .range('heartbeatMs', { lt: now.getTime() - timeoutMs })
      .toQuery();
    const stale = await client.searchAll<InstanceDocument>(indices.instances, query, [{ id: { order: 'asc' } }], { seq_no_primary_term: true });
    if (stale.length === 0) return [];
    const dead = stale.map((hit): InstanceDocument => {
      const instance: ServiceInstance = { ...hit._source.instance, state: 'DEAD' };
      return { ...hit._source, state: 'DEAD', instance };
    });
    const items = await client.bulk(
      stale.map((hit, i) => ({ action: 'index', index: indices.instances, id: hit._id, document: dead[i], ifSeqNo: hit._seq_no, ifPrimaryTerm: hit._primary_term })),
      refresh,
    );
    const reaped: ServiceInstance[] = [];
    items.forEach((item, i) => {
      if (item.status === 200 || item.status === 201) reaped.push(dead[i]!.instance);
      else if (item.status !== 409) throw new Error(`service instance ${item.id}: write failed with ${item.status} ${item.error?.type}: ${item.error?.reason}`);
    });
    return reaped;
  }
}
