import type { ServiceInstance, ServiceInstanceRepository } from '../ports.js';
import type { SqliteDatabase } from './sqlite-database.js';

export class SqliteServiceInstanceRepository implements ServiceInstanceRepository {
  private readonly upsert;
  private readonly selectAll;
  private readonly selectStale;
  private readonly markDead;

  constructor(private readonly db: SqliteDatabase) {
    this.upsert = db.prepare(`INSERT INTO service_instances (id, state, heartbeat_ms, json) VALUES (@id, @state, @heartbeatMs, @json)
      ON CONFLICT (id) DO UPDATE SET state = excluded.state, heartbeat_ms = excluded.heartbeat_ms, json = excluded.json`);
    this.selectAll = db.prepare<[], string>('SELECT json FROM service_instances ORDER BY id').pluck();
    this.selectStale = db
      .prepare<[number], string>(`SELECT json FROM service_instances WHERE state IN ('RUNNING', 'TERMINATING') AND heartbeat_ms < ?`)
      .pluck();
    this.markDead = db.prepare<[string, string]>(`UPDATE service_instances SET state = 'DEAD', json = ? WHERE id = ?`);
  }

  async heartbeat(instance: ServiceInstance): Promise<void> {
    const millis = Date.parse(instance.heartbeatAt);
    this.upsert.run({ id: instance.id, state: instance.state, heartbeatMs: Number.isNaN(millis) ? Date.now() : millis, json: JSON.stringify(instance) });
  }

  async list(): Promise<ServiceInstance[]> {
    return this.selectAll.all().map((json) => JSON.parse(json) as ServiceInstance);
  }

  async reapDead(timeoutMs: number, now: Date): Promise<ServiceInstance[]> {
    return this.db
      .transaction(() =>
        this.selectStale.all(now.getTime() - timeoutMs).map((json) => {
          const dead: ServiceInstance = { ...(JSON.parse(json) as ServiceInstance), state: 'DEAD' };
          this.markDead.run(JSON.stringify(dead), dead.id);
          return dead;
        }),
      )
      .immediate();
  }
}
