import type { TriggerRepository, TriggerState } from '../ports.js';
import { releasedTriggerState } from '../trigger-release.js';
import { type SqlDatabase, SqlWhere, toNumber } from '@osprey/sql';

interface TriggerRow {
  namespace: string;
  flow_id: string;
  trigger_id: string;
  json: string;
  owner: string | null;
  owner_until: unknown;
}

function toState(row: TriggerRow): TriggerState {
  const state = JSON.parse(row.json) as TriggerState;
  delete state.owner;
  delete state.ownerUntil;
  if (row.owner !== null) state.owner = row.owner;
  if (row.owner_until !== null && row.owner_until !== undefined) state.ownerUntil = toNumber(row.owner_until);
  return state;
}

function nextMillis(state: TriggerState): number | null {
  if (!state.nextDate) return null;
  const millis = Date.parse(state.nextDate);
  return Number.isNaN(millis) ? null : millis;
}

const SELECT = 'SELECT namespace, flow_id, trigger_id, json, owner, owner_until FROM triggers';

/**
 * Trigger ownership lives in `owner`/`owner_until` and changes only through acquire/release. Acquire locks due
 * rows with FOR UPDATE SKIP LOCKED, so competing scheduler replicas split the due triggers without waiting on
 * each other and never lease one trigger twice. `save` keeps the current ownership.
 */
export class SqlTriggerRepository implements TriggerRepository {
  constructor(private readonly db: SqlDatabase) {}

  async get(namespace: string, flowId: string, triggerId: string): Promise<TriggerState | null> {
    const [row] = await this.db.query<TriggerRow>(`${SELECT} WHERE namespace = ? AND flow_id = ? AND trigger_id = ?`, [namespace, flowId, triggerId]);
    return row ? toState(row) : null;
  }

  async list(query: { namespace?: string; flowId?: string } = {}): Promise<TriggerState[]> {
    const where = new SqlWhere(this.db.dialect).namespace('namespace', query.namespace).equals('flow_id', query.flowId);
    return (await this.db.query<TriggerRow>(`${SELECT} ${where.toSql()} ORDER BY namespace, flow_id, trigger_id`, where.params)).map(toState);
  }

  async save(state: TriggerState): Promise<void> {
    const c = this.columns(state);
    const upsert = this.db.dialect.upsert(['namespace', 'flow_id', 'trigger_id'], ['next_ms', 'disabled', 'json']);
    await this.db.run(`INSERT INTO triggers (namespace, flow_id, trigger_id, next_ms, disabled, json) VALUES (?, ?, ?, ?, ?, ?) ${upsert}`, [
      c.namespace,
      c.flowId,
      c.triggerId,
      c.nextMs,
      c.disabled,
      c.json,
    ]);
  }

  async create(state: TriggerState): Promise<void> {
    const c = this.columns(state);
    await this.db.run(
      `INSERT INTO triggers (namespace, flow_id, trigger_id, next_ms, disabled, json) VALUES (?, ?, ?, ?, ?, ?) ${this.db.dialect.insertIgnore(['namespace', 'flow_id', 'trigger_id'])}`,
      [c.namespace, c.flowId, c.triggerId, c.nextMs, c.disabled, c.json],
    );
  }

  async delete(namespace: string, flowId: string, triggerId?: string): Promise<void> {
    if (triggerId === undefined) await this.db.run('DELETE FROM triggers WHERE namespace = ? AND flow_id = ?', [namespace, flowId]);
    else await this.db.run('DELETE FROM triggers WHERE namespace = ? AND flow_id = ? AND trigger_id = ?', [namespace, flowId, triggerId]);
  }

  async acquire(owner: string, max: number, leaseMs: number, now: Date): Promise<TriggerState[]> {
    if (max <= 0) return [];
    const nowMs = now.getTime();
    const until = nowMs + leaseMs;
    return this.db.transaction(async (tx) => {
      const rows = await tx.query<TriggerRow>(
        `${SELECT} WHERE disabled = 0 AND (next_ms IS NULL OR next_ms <= ?) AND (owner IS NULL OR owner_until <= ?)
         ORDER BY next_ms LIMIT ? ${tx.dialect.forUpdate({ skipLocked: true })}`,
        [nowMs, nowMs, max],
      );
      for (const row of rows) {
        await tx.run('UPDATE triggers SET owner = ?, owner_until = ? WHERE namespace = ? AND flow_id = ? AND trigger_id = ?', [
          owner,
          until,
          row.namespace,
          row.flow_id,
          row.trigger_id,
        ]);
      }
      return rows.map((row) => toState({ ...row, owner, owner_until: until }));
    });
  }

  /** Keeps the lease when `state.owner` is this owner with an `ownerUntil`, drops it otherwise. */
  async release(owner: string, state: TriggerState, read: TriggerState): Promise<boolean> {
    return this.db.transaction(async (tx) => {
      const [row] = await tx.query<TriggerRow>(`${SELECT} WHERE namespace = ? AND flow_id = ? AND trigger_id = ? ${tx.dialect.forUpdate()}`, [
        state.namespace,
        state.flowId,
        state.triggerId,
      ]);
      if (!row || row.owner !== owner) return false;
      const keep = state.owner === owner && state.ownerUntil !== undefined;
      const c = this.columns(releasedTriggerState(toState(row), read, state));
      await tx.run(
        'UPDATE triggers SET next_ms = ?, disabled = ?, json = ?, owner = ?, owner_until = ? WHERE namespace = ? AND flow_id = ? AND trigger_id = ?',
        [c.nextMs, c.disabled, c.json, keep ? owner : null, keep ? state.ownerUntil : null, c.namespace, c.flowId, c.triggerId],
      );
      return true;
    });
  }

  async unlock(namespace: string, flowId: string, triggerId: string): Promise<boolean> {
    return this.db.transaction(async (tx) => {
      const [row] = await tx.query<TriggerRow>(`${SELECT} WHERE namespace = ? AND flow_id = ? AND trigger_id = ? ${tx.dialect.forUpdate()}`, [namespace, flowId, triggerId]);
      if (!row) return false;
      const { executionId: _executionId, ...state } = toState(row);
      const c = this.columns(state);
      await tx.run('UPDATE triggers SET next_ms = ?, disabled = ?, json = ?, owner = NULL, owner_until = NULL WHERE namespace = ? AND flow_id = ? AND trigger_id = ?', [
        c.nextMs,
        c.disabled,
        c.json,
        c.namespace,
        c.flowId,
        c.triggerId,
      ]);
      return true;
    });
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
