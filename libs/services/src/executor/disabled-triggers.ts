import type { BroadcastMessage } from '@osprey/queue';
import type { TriggerRepository } from '@osprey/repository';
import type { Logger } from '@osprey/server';

const RETRY_MS = 10_000;

function keyOf(namespace: string, flowId: string, triggerId: string): string {
  return `${namespace}\u0000${flowId}\u0000${triggerId}`;
}

/**
 * The triggers disabled through the API (their stored state), which Flow triggers honour as the scheduler and the
 * webhook endpoint do. Read once, then kept current by the trigger-change broadcasts: deciding an execution's end
 * reads no repository while the set is known.
 */
export class DisabledTriggers {
  private disabled = new Set<string>();
  private stale = true;
  /** After a failed read, the next is tried no sooner than this (epoch ms), so that an outage does not slow decisions. */
  private retryAt = 0;
  private loading?: Promise<void>;

  constructor(
    private readonly repository: TriggerRepository,
    private readonly logger: Logger,
  ) {}

  /** Keeps the set current: a changed trigger is read again; a changed flow marks the whole set stale. */
  async onBroadcast(message: BroadcastMessage): Promise<void> {
    if (message.type === 'triggerChanged') await this.refresh(message.namespace, message.flowId, message.triggerId);
    // A flow's new revision may drop or re-add a trigger; its stored state is read again with the whole set.
    if (message.type === 'flowChanged') this.stale = true;
  }

  /** The current set; when it cannot be read, the last one known (empty before the first read), with a warning. */
  async current(): Promise<(namespace: string, flowId: string, triggerId: string) => boolean> {
    if (this.stale && Date.now() >= this.retryAt) {
      this.loading ??= this.load().finally(() => (this.loading = undefined));
      await this.loading;
    }
    const set = this.disabled;
    return (namespace, flowId, triggerId) => set.has(keyOf(namespace, flowId, triggerId));
  }

  private async load(): Promise<void> {
    try {
      const states = await this.repository.list();
      this.disabled = new Set(states.filter((s) => s.disabled).map((s) => keyOf(s.namespace, s.flowId, s.triggerId)));
      this.stale = false;
    } catch (error) {
      this.retryAt = Date.now() + RETRY_MS;
      this.logger.warn({ err: error }, 'reading disabled triggers failed; flow triggers use the last known set');
    }
  }

  private async refresh(namespace: string, flowId: string, triggerId: string): Promise<void> {
    try {
      const state = await this.repository.get(namespace, flowId, triggerId);
      if (state?.disabled) this.disabled.add(keyOf(namespace, flowId, triggerId));
      else this.disabled.delete(keyOf(namespace, flowId, triggerId));
    } catch (error) {
      this.logger.warn({ err: error, namespace, flowId, triggerId }, 'reading a changed trigger failed; reading all again');
      this.stale = true;
    }
  }
}
