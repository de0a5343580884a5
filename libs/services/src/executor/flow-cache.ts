import { type Flow, isFlowTrigger, type StoredFlow } from '@osprey/flow-model';
import type { BroadcastMessage } from '@osprey/queue';
import type { FlowSource } from '@osprey/server';
import { LruCache } from './lru-cache.js';

const LIST_TTL_MS = 10_000;
/** Parsed revisions kept; a revision evicted is read again from the repository when an execution needs it. */
const CACHED_REVISIONS = 1000;

/**
 * Parsed flows by revision (immutable, so cached until evicted) and the set of flows with Flow triggers: listed again
 * when the source's version moves (a source held in memory), else after a flow change or `LIST_TTL_MS`.
 */
export class FlowCache {
  private readonly revisions = new LruCache<string, StoredFlow>(CACHED_REVISIONS);
  private triggerFlows?: { at: number; version?: number; flows: StoredFlow[] };

  constructor(private readonly repository: FlowSource) {}

  /** A changed flow may add or drop Flow triggers: the list is read again. */
  onBroadcast(message: BroadcastMessage): void {
    if (message.type === 'flowChanged') this.triggerFlows = undefined;
  }

  async get(namespace: string, id: string, revision?: number): Promise<Flow | undefined> {
    return (await this.getStored(namespace, id, revision))?.flow;
  }

  async getStored(namespace: string, id: string, revision?: number): Promise<StoredFlow | undefined> {
    if (revision === undefined) return (await this.repository.get(namespace, id)) ?? undefined;
    const key = `${namespace}\u0000${id}\u0000${revision}`;
    let stored = this.revisions.get(key);
    if (!stored) {
      stored = (await this.repository.get(namespace, id, revision)) ?? undefined;
      if (stored) this.revisions.set(key, stored);
    }
    return stored;
  }

  async withFlowTriggers(): Promise<StoredFlow[]> {
    const now = Date.now();
    const version = this.repository.version;
    let cached = this.triggerFlows;
    if (!cached || (version === undefined ? now - cached.at > LIST_TTL_MS : version !== cached.version)) {
      const all = await this.repository.list();
      cached = this.triggerFlows = { at: now, version, flows: all.filter((f) => !f.disabled && hasFlowTriggers(f.flow)) };
    }
    return cached.flows;
  }
}

export function hasFlowTriggers(flow: Flow): boolean {
  return flow.triggers.some(isFlowTrigger);
}
