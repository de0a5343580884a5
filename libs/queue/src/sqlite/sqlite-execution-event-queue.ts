import type { Execution, ExecutionEvent, ExecutionEventEnvelope } from '@osprey/flow-model';
import type { SqliteDatabase } from '@osprey/repository';
import type { ClaimedEvent, ExecutionEventQueue } from '../ports.js';
import type { SqliteWakeup } from './sqlite-wakeup.js';

interface EventPayload {
  event: ExecutionEvent;
  execution?: Execution;
}

function deliverAtMillis(envelope: ExecutionEventEnvelope, now: number): number {
  if (!envelope.deliverAt) return now;
  const at = Date.parse(envelope.deliverAt);
  return Number.isNaN(at) ? now : at;
}

/**
 * The executor inbox in `execution_events`, with per-execution claim locks in `execution_locks`. Claims run in
 * IMMEDIATE transactions (one writer at a time across processes), and lock deadlines are wall-clock millis, so
 * a dead executor's executions are claimable again once `leaseMs` passes.
 */
export class SqliteExecutionEventQueue implements ExecutionEventQueue {
  private readonly insert;
  private readonly selectClaimable;
  private readonly lock;
  private readonly selectDue;
  private readonly unlock;
  private readonly selectVersion;
  private readonly count;
  private readonly nextDue;

  constructor(
    private readonly db: SqliteDatabase,
    private readonly wakeup: SqliteWakeup,
  ) {
    this.insert = db.prepare<[string, string, number]>('INSERT INTO execution_events (execution_id, payload, deliver_at) VALUES (?, ?, ?)');
    this.selectClaimable = db
      .prepare<{ now: number; max: number }, string>(
        `SELECT e.execution_id FROM execution_events e
         LEFT JOIN execution_locks l ON l.execution_id = e.execution_id
         WHERE e.deliver_at <= @now AND (l.execution_id IS NULL OR l.until <= @now)
         GROUP BY e.execution_id ORDER BY min(e.seq) LIMIT @max`,
      )
      .pluck();
    this.lock = db.prepare<[string, string, number]>(
      `INSERT INTO execution_locks (execution_id, owner, until) VALUES (?, ?, ?)
       ON CONFLICT (execution_id) DO UPDATE SET owner = excluded.owner, until = excluded.until`,
    );
    this.selectDue = db.prepare<[string, number], { seq: number; payload: string }>(
      'SELECT seq, payload FROM execution_events WHERE execution_id = ? AND deliver_at <= ? ORDER BY seq',
    );
    this.unlock = db.prepare<[string, string]>('DELETE FROM execution_locks WHERE execution_id = ? AND owner = ?');
    this.selectVersion = db.prepare<[string], number>('SELECT version FROM executions WHERE id = ?').pluck();
    this.count = db.prepare<[], number>('SELECT count(*) FROM execution_events').pluck();
    this.nextDue = db.prepare<[number], number | null>('SELECT min(deliver_at) FROM execution_events WHERE deliver_at > ?').pluck();
  }

  async emit(events: ExecutionEventEnvelope[]): Promise<void> {
    if (events.length === 0) return;
    this.db.transaction(() => insertEvents(this.insert, events, Date.now())).immediate();
    this.wakeup.notify('events');
  }

  async claim(consumerId: string, maxExecutions: number, leaseMs: number): Promise<ClaimedEvent[]> {
    return this.db
      .transaction(() => {
        const now = Date.now();
        const claimed: ClaimedEvent[] = [];
        for (const executionId of this.selectClaimable.all({ now, max: maxExecutions })) {
          this.lock.run(executionId, consumerId, now + leaseMs);
          const storedVersion = this.selectVersion.get(executionId);
          for (const row of this.selectDue.all(executionId, now)) {
            const payload = JSON.parse(row.payload) as EventPayload;
            const event: ClaimedEvent = { seq: row.seq, executionId, event: payload.event };
            if (payload.execution) event.execution = payload.execution;
            if (storedVersion !== undefined && storedVersion !== null) event.storedVersion = storedVersion;
            claimed.push(event);
          }
        }
        return claimed;
      })
      .immediate();
  }

  async release(consumerId: string, executionIds: string[]): Promise<void> {
    if (executionIds.length === 0) return;
    this.db.transaction(() => executionIds.forEach((id) => this.unlock.run(id, consumerId))).immediate();
    this.wakeup.notify('events');
  }

  /** Also wakes when the earliest delayed event falls due, so a waiting executor needs no extra timer. */
  async waitForEvents(timeoutMs: number, signal?: AbortSignal): Promise<void> {
    if (!this.db.open) return;
    const now = Date.now();
    const next = this.nextDue.get(now);
    const untilDue = next === null || next === undefined ? timeoutMs : Math.max(1, next - now);
    return this.wakeup.wait('events', Math.min(timeoutMs, untilDue), signal);
  }

  async depth(): Promise<number> {
    return this.count.get() ?? 0;
  }
}

/** Shared with the executor store and job completion, which write events inside their own transactions. */
export function insertEvents(insert: { run(executionId: string, payload: string, deliverAt: number): unknown }, events: readonly ExecutionEventEnvelope[], now: number): void {
  for (const envelope of events) {
    const payload: EventPayload = { event: envelope.event };
    if (envelope.execution) payload.execution = envelope.execution;
    insert.run(envelope.executionId, JSON.stringify(payload), deliverAtMillis(envelope, now));
  }
}
