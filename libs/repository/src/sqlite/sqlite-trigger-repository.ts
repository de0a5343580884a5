import type { TriggerRepository, TriggerState } from '../ports.js';
import type { SqliteDatabase } from './sqlite-database.js';
import { SqlWhere, cachedStatement } from './sql-query.js';

interface TriggerRow {
  json: string;
  owner: string | null;
  owner_until: number | null;
}

function toState(row: TriggerRow): TriggerState {
  const state = JSON.parse(row.json) as TriggerState;
  delete state.owner;
  delete state.ownerUntil;
  if (row.owner !== null) state.owner = row.owner;
  if (row.owner_until !== null) state.ownerUntil = row.owner_until;
  return state;
}

function nextMillis(state: TriggerState): number | null {
  if (!state.nextDate) return null;
  const millis = Date.parse(state.nextDate);
  return Number.isNaN(millis) ? null : millis;
}

/**
 * Trigger ownership lives in the `owner`/`owner_until` columns and changes only through acquire/release, inside
 * IMMEDIATE transactions, so two scheduler replicas (even in two processes) never hold the same trigger.
 * `save` keeps the current ownership: a flow update must not steal a trigger from the replica evaluating it.
 */
export class SqliteTriggerRepository implements TriggerRepository {
  private readonly selectOne;
  private readonly upsert;
  private readonly insertIfAbsent;
  private readonly selectAcquirable;
  private readonly lease;
  private readonly selectOwner;
  private readonly storeReleased;

  constructor(private readonly db: SqliteDatabase) {
    this.selectOne = db.prepare<[string, string, string], TriggerRow>(
      'SELECT json, owner, owner_until FROM triggers WHERE namespace = ? AND flow_id = ? AND trigger_id = ?',
    );
    this.upsert = db.prepare(`INSERT INTO triggers (namespace, flow_id, trigger_id, next_ms, disabled, json)
      VALUES (@namespace, @flowId, @triggerId, @nextMs, @disabled, @json)
      ON CONFLICT (namespace, flow_id, trigger_id) DO UPDATE SET next_ms = excluded.next_ms, disabled = excluded.disabled, json = excluded.json`);
    this.insertIfAbsent = db.prepare(`INSERT INTO triggers (namespace, flow_id, trigger_id, next_ms, disabled, json)
      VALUES (@namespace, @flowId, @triggerId, @nextMs, @disabled, @json) ON CONFLICT (namespace, flow_id, trigger_id) DO NOTHING`);
    this.selectAcquirable = db.prepare<{ owner: string; now: number; max: number }, TriggerRow & { namespace: string; flow_id: string; trigger_id: string }>(
      `SELECT namespace, flow_id, trigger_id, json, owner, owner_until FROM triggers
       WHERE disabled = 0 AND (next_ms IS NULL OR next_ms <= @now)
         AND (owner IS NULL OR owner_until <= @now)
       ORDER BY next_ms LIMIT @max`,
    );
    this.lease = db.prepare<[string, number, string, string, string]>(
      'UPDATE triggers SET owner = ?, owner_until = ? WHERE namespace = ? AND flow_id = ? AND trigger_id = ?',
    );
    this.selectOwner = db.prepare<[string, string, string], string | null>(
      'SELECT owner FROM triggers WHERE namespace = ? AND flow_id = ? AND trigger_id = ?',
    ).pluck();
    this.storeReleased = db.prepare(`UPDATE triggers SET next_ms = @nextMs, disabled = @disabled, json = @json, owner = @owner, owner_until = @ownerUntil
      WHERE namespace = @namespace AND flow_id = @flowId AND trigger_id = @triggerId`);
  }

  async get(namespace: string, flowId: string, triggerId: string): Promise<TriggerState | null> {
    const row = this.selectOne.get(namespace, flowId, triggerId);
    return row ? toState(row) : null;
  }

  async list(query: { namespace?: string; flowId?: string } = {}): Promise<TriggerState[]> {
    const where = new SqlWhere().namespace('namespace', query.namespace).equals('flow_id', query.flowId);
    const rows = cachedStatement(this.db, `SELECT json, owner, owner_until FROM triggers ${where.toSql()} ORDER BY namespace, flow_id, trigger_id`)
      .all(...where.params) as TriggerRow[];
    return rows.map(toState);
  }

  async save(state: TriggerState): Promise<void> {
    this.upsert.run(this.columns(state));
  }

  async create(state: TriggerState): Promise<void> {
    this.insertIfAbsent.run(this.columns(state));
  }

  async delete(namespace: string, flowId: string, triggerId?: string): Promise<void> {
    if (triggerId === undefined) {
      cachedStatement(this.db, 'DELETE FROM triggers WHERE namespace = ? AND flow_id = ?').run(namespace, flowId);
    } else {
      cachedStatement(this.db, 'DELETE FROM triggers WHERE namespace = ? AND flow_id = ? AND trigger_id = ?').run(namespace, flowId, triggerId);
    }
  }

  async acquire(owner: string, max: number, leaseMs: number, now: Date): Promise<TriggerState[]> {
    const nowMs = now.getTime();
    return this.db
      .transaction(() => {
        const until = nowMs + leaseMs;
        return this.selectAcquirable.all({ owner, now: nowMs, max }).map((row) => {
          this.lease.run(owner, until, row.namespace, row.flow_id, row.trigger_id);
          return toState({ ...row, owner, owner_until: until });
        });
      })
      .immediate();
  }

  /** Keeps the lease when `state.owner` is this owner with an `ownerUntil`, drops it otherwise. */
  async release(owner: string, state: TriggerState): Promise<boolean> {
    return this.db
      .transaction(() => {
        if (this.selectOwner.get(state.namespace, state.flowId, state.triggerId) !== owner) return false;
        const keep = state.owner === owner && state.ownerUntil !== undefined;
        this.storeReleased.run({ ...this.columns(state), owner: keep ? owner : null, ownerUntil: keep ? state.ownerUntil : null });
        return true;
      })
      .immediate();
  }

  async unlock(namespace: string, flowId: string, triggerId: string): Promise<boolean> {
    return this.db
      .transaction(() => {
        const row = this.selectOne.get(namespace, flowId, triggerId);
        if (!row) return false;
        const { executionId: _executionId, ...state } = toState(row);
        this.storeReleased.run({ ...this.columns(state), owner: null, ownerUntil: null });
        return true;
      })
      .immediate();
  }

  private columns(state: TriggerState) {
    const { owner: _owner, ownerUntil: _ownerUntil, ...rest } = state;
    return {
      namespace: state.namespace,
      flowId: state.flowId,
      triggerId: state.triggerId,
      nextMs: nextMillis(state),
      disabled: state.disabled ? 1 : 0,
      json: JSON.stringify(rest),
    };
  }
}
