import type { ClaimedEvent, ExecutionEventQueue } from '../ports.js';
import { insertEvents, type EventPayload } from './sql-queue-rows.js';
import type { SqlWakeup } from './sql-wakeup.js';
import { type SqlDatabase, type SqlExecutor, toNumber, valuesList } from '@osprey/sql';

/**
 * The executor inbox in `execution_events`, with per-execution claim leases in `execution_locks`. A claim locks
 * the head event of due executions with FOR UPDATE SKIP LOCKED (competing executors pass each other instead of waiting), then leases
 * their executions with a conditional upsert that only succeeds when no live lease exists; expired leases (a
 * dead executor) are taken over by the same upsert.
 */
export class SqlExecutionEventQueue implements ExecutionEventQueue {
  constructor(
    private readonly db: SqlDatabase,
    private readonly wakeup: SqlWakeup,
  ) {}

  async emit(events: Parameters<ExecutionEventQueue['emit']>[0]): Promise<void> {
    if (events.length === 0) return;
    const now = Date.now();
    if (events.length <= 10_000) await insertEvents(this.db, events, now);
    else await this.db.transaction((tx) => insertEvents(tx, events, now));
    this.wakeup.notify('events');
  }

  async claim(consumerId: string, maxExecutions: number, leaseMs: number): Promise<ClaimedEvent[]> {
    if (maxExecutions <= 0) return [];
    const dialect = this.db.dialect;
    return this.db.transaction(async (tx) => {
      const now = Date.now();
      const until = now + leaseMs;
      // Only the head (oldest due event) of each execution is locked, so concurrent claimers skip each other's
      // executions and take the next ones instead of stalling on events of executions they cannot have.
      const due = await tx.query<{ execution_id: string }>(
        `SELECT e.execution_id FROM execution_events e
         WHERE e.deliver_at <= ?
           AND e.seq = (SELECT min(h.seq) FROM execution_events h WHERE h.execution_id = e.execution_id AND h.deliver_at <= ?)
           AND NOT EXISTS (SELECT 1 FROM execution_locks l WHERE l.execution_id = e.execution_id AND l.lease_until > ?)
         ORDER BY e.seq LIMIT ? ${dialect.forUpdate({ skipLocked: true, of: 'e' })}`,
        [now, now, now, maxExecutions],
      );
      const candidates = [...new Set(due.map((row) => row.execution_id))];
      if (candidates.length === 0) return [];
      const won = await this.lease(tx, consumerId, candidates.sort(), now, until);
      if (won.length === 0) return [];
      const ofWon = dialect.in('execution_id', won);
      const rows = await tx.query<{ seq: unknown; execution_id: string; payload: string }>(
        `SELECT seq, execution_id, payload FROM execution_events WHERE ${ofWon.sql} AND deliver_at <= ? ORDER BY seq`,
        [...ofWon.params, now],
      );
      const ofStored = dialect.in('id', won);
      const versions = new Map(
        (await tx.query<{ id: string; version: unknown }>(`SELECT id, version FROM executions WHERE ${ofStored.sql}`, ofStored.params)).map((row) => [
          row.id,
          toNumber(row.version),
        ]),
      );
      return rows.map((row) => {
        const payload = JSON.parse(row.payload) as EventPayload;
        const claimed: ClaimedEvent = { seq: toNumber(row.seq), executionId: row.execution_id, event: payload.event };
        if (payload.execution) claimed.execution = payload.execution;
        const storedVersion = versions.get(row.execution_id);
        if (storedVersion !== undefined) claimed.storedVersion = storedVersion;
        return claimed;
      });
    });
  }

  /** Leases the executions (ids sorted, so concurrent claimers lock rows in one order); returns those won. */
  private async lease(tx: SqlExecutor, consumerId: string, executionIds: string[], now: number, until: number): Promise<string[]> {
    const params = executionIds.flatMap((id) => [id, consumerId, until]);
    const values = valuesList(executionIds.length, 3);
    if (tx.dialect.returning) {
      const rows = await tx.query<{ execution_id: string }>(
        `INSERT INTO execution_locks (execution_id, owner, lease_until) VALUES ${values}
         ON CONFLICT (execution_id) DO UPDATE SET owner = EXCLUDED.owner, lease_until = EXCLUDED.lease_until
         WHERE execution_locks.lease_until <= ? RETURNING execution_id`,
        [...params, now],
      );
      return rows.map((row) => row.execution_id);
    }
    // MySQL has neither a conditional upsert nor RETURNING: keep a live lease's values, then read who holds what.
    await tx.run(
      `INSERT INTO execution_locks (execution_id, owner, lease_until) VALUES ${values}
       ON DUPLICATE KEY UPDATE owner = IF(lease_until <= ?, VALUES(owner), owner), lease_until = IF(lease_until <= ?, VALUES(lease_until), lease_until)`,
      [...params, now, now],
    );
    const ofIds = tx.dialect.in('execution_id', executionIds);
    const rows = await tx.query<{ execution_id: string }>(
      `SELECT execution_id FROM execution_locks WHERE ${ofIds.sql} AND owner = ? AND lease_until = ? ${tx.dialect.forUpdate()}`,
      [...ofIds.params, consumerId, until],
    );
    return rows.map((row) => row.execution_id);
  }

  async release(consumerId: string, executionIds: string[]): Promise<void> {
    if (executionIds.length === 0) return;
    const ofIds = this.db.dialect.in('execution_id', executionIds);
    await this.db.run(`DELETE FROM execution_locks WHERE ${ofIds.sql} AND owner = ?`, [...ofIds.params, consumerId]);
    this.wakeup.notify('events');
  }

  /** Also wakes when the earliest delayed event falls due, so a waiting executor needs no extra timer. */
  async waitForEvents(timeoutMs: number, signal?: AbortSignal): Promise<void> {
    if (signal?.aborted || timeoutMs <= 0) return;
    // A notification arriving during the query must not be lost to this waiter.
    let woken = false;
    const stop = this.wakeup.on('events', () => (woken = true));
    const now = Date.now();
    let row: { next: unknown } | undefined;
    try {
      [row] = await this.db.query<{ next: unknown }>('SELECT min(deliver_at) AS next FROM execution_events WHERE deliver_at > ?', [now]);
    } finally {
      stop();
    }
    if (woken) return;
    const next = row?.next === null || row?.next === undefined ? undefined : toNumber(row.next);
    const untilDue = next === undefined ? timeoutMs : Math.max(1, next - now);
    return this.wakeup.wait('events', Math.min(timeoutMs, untilDue), signal);
  }

  async depth(): Promise<number> {
    const [row] = await this.db.query<{ total: unknown }>('SELECT count(*) AS total FROM execution_events');
    return toNumber(row?.total ?? 0);
  }
}
