import type { TriggerRepository, TriggerState } from '../ports.js';
import type { VersionedDocument } from './search-client.js';
import { MAX_CONFLICT_RETRIES, type SearchContext } from './search-context.js';
import { SearchFilter } from './search-query.js';
import { releasedTriggerState } from '../trigger-release.js';

interface TriggerDocument {
  namespace: string;
  flowId: string;
  triggerId: string;
  nextMs?: number;
  disabled: boolean;
  owner?: string;
  ownerUntil?: number;
  /** The state without its ownership, which lives in `owner`/`ownerUntil` only. */
  state: Omit<TriggerState, 'owner' | 'ownerUntil'>;
}

const BY_KEY = [{ namespace: { order: 'asc' } }, { flowId: { order: 'asc' } }, { triggerId: { order: 'asc' } }];

function keyOf(namespace: string, flowId: string, triggerId: string): string {
  return `${namespace}/${flowId}/${triggerId}`;
}

function toDocument(state: TriggerState, ownership: { owner?: string; ownerUntil?: number }): TriggerDocument {
  const { owner: _owner, ownerUntil: _ownerUntil, ...rest } = state;
  const millis = state.nextDate ? Date.parse(state.nextDate) : Number.NaN;
  const doc: TriggerDocument = { namespace: state.namespace, flowId: state.flowId, triggerId: state.triggerId, disabled: !!state.disabled, state: rest };
  if (!Number.isNaN(millis)) doc.nextMs = millis;
  if (ownership.owner !== undefined) doc.owner = ownership.owner;
  if (ownership.ownerUntil !== undefined) doc.ownerUntil = ownership.ownerUntil;
  return doc;
}

function toState(doc: TriggerDocument): TriggerState {
  const state: TriggerState = { ...doc.state };
  if (doc.owner !== undefined) state.owner = doc.owner;
  if (doc.ownerUntil !== undefined) state.ownerUntil = doc.ownerUntil;
  return state;
}

/**
 * Trigger ownership lives in `owner`/`ownerUntil` and changes only through acquire/release/unlock. Every change
 * of a stored trigger is a conditional write on the sequence number and primary term it was read with, so of
 * two scheduler replicas racing for a trigger exactly one write lands; the loser simply does not acquire it.
 * `save` keeps the current ownership.
 */
export class SearchTriggerRepository implements TriggerRepository {
  constructor(private readonly ctx: SearchContext) {}

  async get(namespace: string, flowId: string, triggerId: string): Promise<TriggerState | null> {
    const stored = await this.ctx.client.get<TriggerDocument>(this.ctx.indices.triggers, keyOf(namespace, flowId, triggerId));
    return stored ? toState(stored.source) : null;
  }

  async list(query: { namespace?: string; flowId?: string } = {}): Promise<TriggerState[]> {
    const filter = new SearchFilter().namespace('namespace', query.namespace).equals('flowId', query.flowId);
    return (await this.ctx.client.searchAll<TriggerDocument>(this.ctx.indices.triggers, filter.toQuery(), BY_KEY)).map((hit) => toState(hit._source));
  }

  async save(state: TriggerState): Promise<void> {
    await this.change(state.namespace, state.flowId, state.triggerId, (stored) => toDocument(state, stored ?? {}));
  }

  async create(state: TriggerState): Promise<void> {
    const { client, indices, refresh } = this.ctx;
    await client.put(indices.triggers, keyOf(state.namespace, state.flowId, state.triggerId), toDocument(state, {}), { refresh, create: true });
  }

  async delete(namespace: string, flowId: string, triggerId?: string): Promise<void> {
    const { client, indices, refresh } = this.ctx;
    if (triggerId !== undefined) await client.delete(indices.triggers, keyOf(namespace, flowId, triggerId), refresh);
    else await client.deleteByQuery(indices.triggers, new SearchFilter().equals('namespace', namespace).equals('flowId', flowId).toQuery(), refresh !== false);
  }

  async acquire(owner: string, max: number, leaseMs: number, now: Date): Promise<TriggerState[]> {
    if (max <= 0) return [];
    const { client, indices, refresh } = this.ctx;
    const nowMs = now.getTime();
    const ownerUntil = nowMs + leaseMs;
    const query = new SearchFilter()
      .equals('disabled', false)
      .add({ bool: { should: [{ bool: { must_not: { exists: { field: 'nextMs' } } } }, { range: { nextMs: { lte: nowMs } } }], minimum_should_match: 1 } })
      .add({ bool: { should: [{ bool: { must_not: { exists: { field: 'owner' } } } }, { range: { ownerUntil: { lte: nowMs } } }], minimum_should_match: 1 } })
      .toQuery();
    // More candidates than wanted: replicas racing for the same first ones go on to the next instead of coming back empty.
    const { hits } = await client.search<TriggerDocument>(indices.triggers, {
      query,
      sort: [{ nextMs: { order: 'asc', missing: '_first' } }, { namespace: { order: 'asc' } }, { flowId: { order: 'asc' } }, { triggerId: { order: 'asc' } }],
      size: Math.min(Math.max(max * 4, 100), 10_000),
      seq_no_primary_term: true,
    });
    const acquired: TriggerState[] = [];
    let next = 0;
    while (acquired.length < max && next < hits.length) {
      const batch = hits.slice(next, next + (max - acquired.length));
      next += batch.length;
      const docs = batch.map((hit) => ({ ...hit._source, owner, ownerUntil }));
      const items = await client.bulk(
        batch.map((hit, i) => ({ action: 'index', index: indices.triggers, id: hit._id, document: docs[i], ifSeqNo: hit._seq_no, ifPrimaryTerm: hit._primary_term })),
        refresh,
      );
      items.forEach((item, i) => {
        if (item.status === 200 || item.status === 201) acquired.push(toState(docs[i]!));
        else if (item.status !== 409) throw new Error(`trigger ${item.id}: lease write failed with ${item.status} ${item.error?.type}: ${item.error?.reason}`);
      });
    }
    return acquired;
  }

  async release(owner: string, state: TriggerState, read: TriggerState): Promise<boolean> {
    const keep = state.owner === owner && state.ownerUntil !== undefined;
    return this.change(state.namespace, state.flowId, state.triggerId, (stored) => {
      if (!stored || stored.owner !== owner) return null;
      return toDocument(releasedTriggerState(toState(stored), read, state), keep ? { owner, ownerUntil: state.ownerUntil } : {});
    });
  }

  async unlock(namespace: string, flowId: string, triggerId: string): Promise<boolean> {
    return this.change(namespace, flowId, triggerId, (stored) => {
      if (!stored) return null;
      const { executionId: _executionId, ...state } = stored.state;
      return toDocument(state as TriggerState, {});
    });
  }

  /**
   * Read, decide, write conditionally; on a lost race read again. `decide` returns the new document, or null to
   * write nothing (the result is then false).
   */
  private async change(namespace: string, flowId: string, triggerId: string, decide: (stored: TriggerDocument | null) => TriggerDocument | null): Promise<boolean> {
    const { client, indices, refresh } = this.ctx;
    const key = keyOf(namespace, flowId, triggerId);
    for (let attempt = 0; attempt < MAX_CONFLICT_RETRIES; attempt++) {
      const stored: VersionedDocument<TriggerDocument> | null = await client.get<TriggerDocument>(indices.triggers, key);
      const doc = decide(stored?.source ?? null);
      if (!doc) return false;
      const written = await client.put(indices.triggers, key, doc, stored ? { refresh, ifSeqNo: stored.seqNo, ifPrimaryTerm: stored.primaryTerm } : { refresh, create: true });
      if (written === 'written') return true;
    }
    throw new Error(`trigger ${key}: gave up after ${MAX_CONFLICT_RETRIES} concurrent changes`);
  }
}
