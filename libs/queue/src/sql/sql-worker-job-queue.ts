import type { TaskResultEvent, WorkerJob } from '@osprey/flow-model';
import type { LeasedJob, TakeOptions, WorkerJobQueue } from '../ports.js';
import { cancelJobs, insertEvents, insertJobs } from './sql-queue-rows.js';
import type { SqlWakeup } from './sql-wakeup.js';
import { type SqlDatabase, toNumber } from '@osprey/sql';

interface TakenRow {
  seq: unknown;
  id: string;
  payload: string;
  deliveries: unknown;
}

/**
 * Worker jobs in `worker_jobs`. A queued job has `lease_until = 0`; a leased one holds its deadline in wall-clock
 * millis, so an expired lease is takeable again by the same `lease_until <= now` range — no reaper needed. Takes
 * lock rows with FOR UPDATE SKIP LOCKED: competing workers never wait on each other. Completed jobs are deleted.
 */
export class SqlWorkerJobQueue implements WorkerJobQueue {
  constructor(
    private readonly db: SqlDatabase,
    private readonly wakeup: SqlWakeup,
  ) {}

  async publish(jobs: WorkerJob[]): Promise<void> {
    if (jobs.length === 0) return;
    // One multi-row INSERT is atomic on its own; only several batches need a transaction.
    if (jobs.length <= 1000) await insertJobs(this.db, jobs, Date.now());
    else await this.db.transaction((tx) => insertJobs(tx, jobs, Date.now()));
    this.wakeup.notify('jobs');
  }

  async take(workerId: string, max: number, leaseMs: number, options?: TakeOptions): Promise<LeasedJob[]> {
    if (max <= 0) return [];
    const now = Date.now();
    const leaseUntil = now + leaseMs;
    const group = groupFilter(options);
    let rows: TakenRow[];
    if (this.db.dialect.returning) {
      // One statement, one round trip: lock the oldest takeable rows, lease them, return them.
      rows = await this.db.query<TakenRow>(
        `UPDATE worker_jobs SET state = 'LEASED', worker_id = ?, lease_until = ?, deliveries = deliveries + 1
         WHERE seq IN (SELECT seq FROM worker_jobs WHERE lease_until <= ?${group.sql} ORDER BY lease_until, seq LIMIT ? ${this.db.dialect.forUpdate({ skipLocked: true })})
         RETURNING seq, id, payload, deliveries`,
        [workerId, leaseUntil, now, ...group.params, max],
      );
    } else {
      rows = await this.db.transaction(async (tx) => {
        const taken = await tx.query<TakenRow>(
          `SELECT seq, id, payload, deliveries FROM worker_jobs WHERE lease_until <= ?${group.sql} ORDER BY lease_until, seq LIMIT ? ${tx.dialect.forUpdate({ skipLocked: true })}`,
          [now, ...group.params, max],
        );
        if (taken.length === 0) return taken;
        const ofSeqs = tx.dialect.in('seq', taken.map((row) => row.seq));
        await tx.run(`UPDATE worker_jobs SET state = 'LEASED', worker_id = ?, lease_until = ?, deliveries = deliveries + 1 WHERE ${ofSeqs.sql}`, [
          workerId,
          leaseUntil,
          ...ofSeqs.params,
        ]);
        return taken.map((row) => ({ ...row, deliveries: toNumber(row.deliveries) + 1 }));
      });
    }
    return rows
      .sort((a, b) => toNumber(a.seq) - toNumber(b.seq))
      .map((row): LeasedJob => ({ job: JSON.parse(row.payload) as WorkerJob, workerId, deliveries: toNumber(row.deliveries), leaseUntil }));
  }

  /** A lease is lost once another worker took the job over or the job is gone (completed, cancelled). */
  async renew(workerId: string, jobIds: string[], leaseMs: number): Promise<string[]> {
    if (jobIds.length === 0) return [];
    const leaseUntil = Date.now() + leaseMs;
    const ofIds = this.db.dialect.in('id', jobIds);
    let held: string[];
    if (this.db.dialect.returning) {
      const rows = await this.db.query<{ id: string }>(
        `UPDATE worker_jobs SET lease_until = ? WHERE ${ofIds.sql} AND worker_id = ? AND state = 'LEASED' RETURNING id`,
        [leaseUntil, ...ofIds.params, workerId],
      );
      held = rows.map((row) => row.id);
    } else {
      held = await this.db.transaction(async (tx) => {
        const rows = await tx.query<{ id: string }>(`SELECT id FROM worker_jobs WHERE ${ofIds.sql} AND worker_id = ? AND state = 'LEASED' ${tx.dialect.forUpdate()}`, [
          ...ofIds.params,
          workerId,
        ]);
        if (rows.length > 0) {
          const ofHeld = tx.dialect.in('id', rows.map((row) => row.id));
          await tx.run(`UPDATE worker_jobs SET lease_until = ? WHERE ${ofHeld.sql}`, [leaseUntil, ...ofHeld.params]);
        }
        return rows.map((row) => row.id);
      });
    }
    const kept = new Set(held);
    return jobIds.filter((id) => !kept.has(id));
  }

  /**
   * Delivers the result even when the lease was lost meanwhile (the job row may be gone or held by another
   * worker): the executor ignores results of attempts it has recorded, and dropping one would hang the execution.
   */
  async complete(lease: LeasedJob, result: TaskResultEvent): Promise<void> {
    const event = { executionId: lease.job.executionId, event: result };
    if (this.db.dialect.name === 'postgres') {
      // One statement, one round trip, atomic: the data-modifying CTE deletes the job as the result is inserted.
      await this.db.run(
        `WITH done AS (DELETE FROM worker_jobs WHERE id = ?) INSERT INTO execution_events (execution_id, payload, deliver_at) VALUES (?, ?, ?)`,
        [lease.job.id, event.executionId, JSON.stringify({ event: result }), Date.now()],
      );
    } else {
      await this.db.transaction(async (tx) => {
        await tx.run('DELETE FROM worker_jobs WHERE id = ?', [lease.job.id]);
        await insertEvents(tx, [event], Date.now());
      });
    }
    this.wakeup.notify('events');
  }

  async giveBack(lease: LeasedJob): Promise<void> {
    const changed = await this.db.run(`UPDATE worker_jobs SET state = 'QUEUED', worker_id = NULL, lease_until = 0 WHERE id = ? AND worker_id = ? AND state = 'LEASED'`, [
      lease.job.id,
      lease.workerId,
    ]);
    if (changed > 0) this.wakeup.notify('jobs');
  }

  async handOff(leases: LeasedJob[]): Promise<void> {
    for (const lease of leases) {
      await this.db.run(`DELETE FROM worker_jobs WHERE id = ? AND worker_id = ? AND state = 'LEASED'`, [lease.job.id, lease.workerId]);
    }
  }

  async cancel(taskRunIds: string[]): Promise<string[]> {
    if (taskRunIds.length === 0) return [];
    return this.db.transaction((tx) => cancelJobs(tx, taskRunIds, Date.now()));
  }

  /** Any new job wakes a waiter, whatever its worker group: the take that follows filters. */
  async waitForJobs(timeoutMs: number, signal?: AbortSignal): Promise<void> {
    return this.wakeup.wait('jobs', timeoutMs, signal);
  }

  async depth(): Promise<{ pending: number; running: number }> {
    const now = Date.now();
    const [row] = await this.db.query<{ pending: unknown; running: unknown }>(
      'SELECT coalesce(sum(CASE WHEN lease_until <= ? THEN 1 ELSE 0 END), 0) AS pending, coalesce(sum(CASE WHEN lease_until > ? THEN 1 ELSE 0 END), 0) AS running FROM worker_jobs',
      [now, now],
    );
    return { pending: toNumber(row?.pending ?? 0), running: toNumber(row?.running ?? 0) };
  }
}

/** The extra condition of a take: the jobs of one group, of none, or (a relay) all of them. */
function groupFilter(options: TakeOptions | undefined): { sql: string; params: unknown[] } {
  if (!options) return { sql: '', params: [] };
  if (options.workerGroup === null) return { sql: ' AND worker_group IS NULL', params: [] };
  return { sql: ' AND worker_group = ?', params: [options.workerGroup] };
}
