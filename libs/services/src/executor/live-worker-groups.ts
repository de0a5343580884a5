import { allTasks, applyPluginDefaults, workerGroupOf, type DecideInput, type Flow } from '@osprey/flow-model';
import type { ServiceInstanceRepository } from '@osprey/repository';

/** How long one look at the instances answers for: heartbeats come every few seconds anyway. */
const CACHE_MS = 1000;

/**
 * The worker groups that have a live worker, from the instances' heartbeats: a RUNNING instance whose last heartbeat is
 * younger than `deadAfterMs` and that runs a worker of the group. The executor passes them to `decide` for flows whose
 * tasks name a group, so that a task of a group without workers waits saying so, or fails (workerGroup.fallback).
 */
export class LiveWorkerGroups {
  private cached?: { at: number; live: ReadonlySet<string> };
  private readonly grouped = new WeakMap<Flow, boolean>();

  constructor(
    private readonly instances: ServiceInstanceRepository,
    private readonly deadAfterMs: number,
  ) {}

  /** The `workerGroups` input of `decide` for this flow; undefined when no task of it names a group. */
  async forFlow(flow: Flow): Promise<DecideInput['workerGroups']> {
    if (!this.usesGroups(flow)) return undefined;
    return { live: await this.live() };
  }

  private usesGroups(flow: Flow): boolean {
    let uses = this.grouped.get(flow);
    if (uses === undefined) {
      uses = allTasks(flow).some((task) => workerGroupOf(applyPluginDefaults(task, flow.pluginDefaults)) !== undefined);
      this.grouped.set(flow, uses);
    }
    return uses;
  }

  private async live(): Promise<ReadonlySet<string>> {
    const now = Date.now();
    if (this.cached && now - this.cached.at < CACHE_MS) return this.cached.live;
    const instances = await this.instances.list();
    const live = new Set(
      instances
        .filter((instance) => instance.state === 'RUNNING' && instance.workerGroup && now - Date.parse(instance.heartbeatAt) < this.deadAfterMs)
        .map((instance) => instance.workerGroup!),
    );
    this.cached = { at: now, live };
    return live;
  }
}
