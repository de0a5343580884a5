import { hostname } from 'node:os';
import type { Repository, ServiceInstance } from '@osprey/repository';
import type { Logger, OspreyConfig } from '@osprey/server';

/**
 * This process's row in the instances table: RUNNING every `instance.heartbeatMs`, TERMINATING while it drains,
 * STOPPED at the end. A process that runs an executor also marks the instances that stopped beating as DEAD.
 */
export class InstanceHeartbeat {
  private timer?: NodeJS.Timeout;
  private readonly startedAt = new Date().toISOString();

  constructor(
    private readonly repository: Repository,
    private readonly logger: Logger,
    private readonly config: OspreyConfig,
    private readonly instance: { id: string; type: ServiceInstance['type']; workerGroup?: string; reapDead: boolean },
  ) {}

  start(): void {
    void this.beat('RUNNING');
    this.timer = setInterval(() => {
      void this.beat('RUNNING');
      if (this.instance.reapDead) void this.reapDead();
    }, this.config.instance.heartbeatMs);
  }

  /** Stops beating RUNNING and says the process drains. */
  async terminating(): Promise<void> {
    clearInterval(this.timer);
    await this.beat('TERMINATING');
  }

  async stopped(): Promise<void> {
    await this.beat('STOPPED');
  }

  /**
   * Marks instances that stopped heartbeating as DEAD, so operators see them. Their worker jobs need no
   * action here: a lease that is not renewed expires and the job goes to another worker.
   */
  private async reapDead(): Promise<void> {
    try {
      const dead = await this.repository.instances.reapDead(this.config.instance.deadAfterMs, new Date());
      for (const instance of dead) {
        this.logger.warn({ deadInstance: instance.id, type: instance.type, hostname: instance.hostname, pid: instance.pid, lastHeartbeat: instance.heartbeatAt }, 'instance missed its heartbeats: marked DEAD');
      }
    } catch (error) {
      this.logger.warn({ err: error }, 'checking instance heartbeats failed');
    }
  }

  private async beat(state: ServiceInstance['state']): Promise<void> {
    try {
      await this.repository.instances.heartbeat({
        id: this.instance.id,
        type: this.instance.type,
        hostname: hostname(),
        pid: process.pid,
        startedAt: this.startedAt,
        heartbeatAt: new Date().toISOString(),
        state,
        // The executor finds the live workers of a group by this (see ExecutorService.workerGroups).
        ...(this.instance.workerGroup ? { workerGroup: this.instance.workerGroup } : {}),
      });
    } catch (error) {
      this.logger.warn({ err: error }, 'instance heartbeat failed');
    }
  }
}
