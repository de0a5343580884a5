import type { ServiceInstance, ServiceInstanceRepository } from '../ports.js';
import type { SqlDatabase } from '@osprey/sql';

export class SqlServiceInstanceRepository implements ServiceInstanceRepository {
  constructor(private readonly db: SqlDatabase) {}

  async heartbeat(instance: ServiceInstance): Promise<void> {
    const millis = Date.parse(instance.heartbeatAt);
    const upsert = this.db.dialect.upsert(['id'], ['state', 'heartbeat_ms', 'json']);
    await this.db.run(`INSERT INTO service_instances (id, state, heartbeat_ms, json) VALUES (?, ?, ?, ?) ${upsert}`, [
      instance.id,
      instance.state,
      Number.isNaN(millis) ? Date.now() : millis,
      JSON.stringify(instance),
    ]);
  }

  async list(): Promise<ServiceInstance[]> {
    return (await this.db.query<{ json: string }>('SELECT json FROM service_instances ORDER BY id')).map((row) => JSON.parse(row.json) as ServiceInstance);
  }

  /** Stale rows are locked with SKIP LOCKED: when several executors reap at once, each instance is reported by one. */
  async reapDead(timeoutMs: number, now: Date): Promise<ServiceInstance[]> {
    return this.db.transaction(async (tx) => {
      const rows = await tx.query<{ json: string }>(
        `SELECT json FROM service_instances WHERE state IN ('RUNNING', 'TERMINATING') AND heartbeat_ms < ? ORDER BY id ${tx.dialect.forUpdate({ skipLocked: true })}`,
        [now.getTime() - timeoutMs],
      );
      const dead = rows.map((row): ServiceInstance => ({ ...(JSON.parse(row.json) as ServiceInstance), state: 'DEAD' }));
      for (const instance of dead) await tx.run(`UPDATE service_instances SET state = 'DEAD', json = ? WHERE id = ?`, [JSON.stringify(instance), instance.id]);
      return dead;
    });
  }
}
