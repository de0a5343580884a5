import type { Flow, Label, StoredFlow } from '@osprey/flow-model';
import type { FlowQuery, FlowRepository, Page } from '../ports.js';
import { addSearchFilters, refusingInvalidRegex } from './search-filters.js';
import type { VersionedDocument } from './search-client.js';
import { MAX_CONFLICT_RETRIES, type SearchContext } from './search-context.js';
import { distinctValues } from './search-distinct.js';
import { labelTerm, SearchFilter, searchPaging } from './search-query.js';

/** A stored flow, with its labels as searchable terms. */
interface FlowDocument extends StoredFlow {
  labels: string[];
}

const SORTABLE: Record<string, string> = { id: 'id', namespace: 'namespace', revision: 'revision', updated: 'updated' };
const BY_NAME = [{ namespace: { order: 'asc' } }, { id: { order: 'asc' } }];

function toStoredFlow(doc: FlowDocument): StoredFlow {
  return { namespace: doc.namespace, id: doc.id, revision: doc.revision, source: doc.source, disabled: doc.disabled, deleted: doc.deleted, updated: doc.updated, flow: doc.flow };
}

function labelsOf(flow: Flow): Label[] {
  return (flow.labels ?? []).map((label) => ({ key: label.key, value: label.value }));
}

/**
 * The latest revision of each flow is one document keyed `namespace/id` in the flows index (what lists and
 * searches read); every revision is also a document keyed `namespace/id/revision` in the revisions index.
 * The conditional write of the latest document decides a save race; the revision document follows it, and
 * reads fall back to the latest document for its own revision should that second write have been lost.
 */
export class SearchFlowRepository implements FlowRepository {
  constructor(private readonly ctx: SearchContext) {}

  async save(flow: Flow, source: string): Promise<StoredFlow> {
    const { client, indices, refresh } = this.ctx;
    const key = `${flow.namespace}/${flow.id}`;
    for (let attempt = 0; attempt < MAX_CONFLICT_RETRIES; attempt++) {
      const latest = await client.get<FlowDocument>(indices.flows, key);
      if (latest && !latest.source.deleted && latest.source.source === source) return toStoredFlow(latest.source);
      const revision = (latest?.source.revision ?? 0) + 1;
      const doc: FlowDocument = {
        namespace: flow.namespace,
        id: flow.id,
        revision,
        source,
        disabled: !!flow.disabled,
        deleted: false,
        updated: new Date().toISOString(),
        labels: labelsOf(flow).map(labelTerm),
        flow: { ...flow, revision },
      };
      const written = await client.put(indices.flows, key, doc, latest ? { refresh, ifSeqNo: latest.seqNo, ifPrimaryTerm: latest.primaryTerm } : { refresh, create: true });
      if (written === 'conflict') continue;
      await client.put(indices.flowRevisions, `${key}/${revision}`, doc, { refresh });
      return toStoredFlow(doc);
    }
    throw new Error(`flow ${key}: gave up saving after ${MAX_CONFLICT_RETRIES} concurrent changes`);
  }

  async get(namespace: string, id: string, revision?: number): Promise<StoredFlow | null> {
    const { client, indices } = this.ctx;
    if (revision !== undefined) {
      const stored = await client.get<FlowDocument>(indices.flowRevisions, `${namespace}/${id}/${revision}`);
      if (stored) return toStoredFlow({ ...stored.source, deleted: false });
      const latest = await client.get<FlowDocument>(indices.flows, `${namespace}/${id}`);
      return latest && latest.source.revision === revision ? toStoredFlow(latest.source) : null;
    }
    const latest = await client.get<FlowDocument>(indices.flows, `${namespace}/${id}`);
    return latest && !latest.source.deleted ? toStoredFlow(latest.source) : null;
  }

  async revisions(namespace: string, id: string): Promise<StoredFlow[]> {
    const { client, indices } = this.ctx;
    const query = new SearchFilter().equals('namespace', namespace).equals('id', id).toQuery();
    const [hits, latest] = await Promise.all([
      client.searchAll<FlowDocument>(indices.flowRevisions, query, [{ revision: { order: 'asc' } }]),
      client.get<FlowDocument>(indices.flows, `${namespace}/${id}`),
    ]);
    // The latest revision carries the flow's current flags (deleted), as the SQL adapters' latest row does.
    const byRevision = new Map<number, StoredFlow>(hits.map((hit) => [hit._source.revision, toStoredFlow({ ...hit._source, deleted: false })]));
    if (latest) byRevision.set(latest.source.revision, toStoredFlow(latest.source));
    return [...byRevision.values()].sort((a, b) => a.revision - b.revision);
  }

  async list(namespace?: string): Promise<StoredFlow[]> {
    const query = new SearchFilter().equals('deleted', false).namespace('namespace', namespace).toQuery();
    return (await this.ctx.client.searchAll<FlowDocument>(this.ctx.indices.flows, query, BY_NAME)).map((hit) => toStoredFlow(hit._source));
  }

  async search(query: FlowQuery): Promise<Page<StoredFlow>> {
    const filter = new SearchFilter().equals('deleted', false).namespace('namespace', query.namespace).contains(['id', 'namespace'], query.q).labels('labels', query.labels);
    addSearchFilters(filter, 'flow', query.filters, { text: { namespace: 'namespace', flowId: 'id' }, query: ['id', 'namespace'], labels: 'labels' });
    const page = searchPaging(query, SORTABLE, [['namespace', 'asc'], ['id', 'asc']], 'id');
    // `id` alone is not unique across namespaces: namespace completes the tiebreak.
    page.sort.push({ namespace: { order: 'asc' } });
    const result = await refusingInvalidRegex(query.filters, () => this.ctx.client.search<FlowDocument>(this.ctx.indices.flows, { query: filter.toQuery(), ...page, track_total_hits: true }));
    return { results: result.hits.map((hit) => toStoredFlow(hit._source)), total: result.total };
  }

  async delete(namespace: string, id: string): Promise<boolean> {
    const { client, indices, refresh } = this.ctx;
    const key = `${namespace}/${id}`;
    for (let attempt = 0; attempt < MAX_CONFLICT_RETRIES; attempt++) {
      const latest: VersionedDocument<FlowDocument> | null = await client.get<FlowDocument>(indices.flows, key);
      if (!latest || latest.source.deleted) return false;
      const doc = { ...latest.source, deleted: true, updated: new Date().toISOString() };
      if ((await client.put(indices.flows, key, doc, { refresh, ifSeqNo: latest.seqNo, ifPrimaryTerm: latest.primaryTerm })) === 'written') return true;
    }
    throw new Error(`flow ${key}: gave up deleting after ${MAX_CONFLICT_RETRIES} concurrent changes`);
  }

  async namespaces(): Promise<string[]> {
    return distinctValues(this.ctx, this.ctx.indices.flows, 'namespace', new SearchFilter().equals('deleted', false).toQuery());
  }

}
