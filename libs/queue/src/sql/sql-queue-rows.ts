import type { Execution, ExecutionEvent, ExecutionEventEnvelope, WorkerJob } from '@osprey/flow-model';
import { chunks, type SqlExecutor, valuesList } from '@osprey/sql';

export interface EventPayload {
  event: ExecutionEvent;
  execution?: Execution;
}

function deliverAtMillis(envelope: ExecutionEventEnvelope, now: number): number {
  if (!envelope.deliverAt) return now;
  const at = Date.parse(envelope.deliverAt);
  return Number.isNaN(at) ? now : at;
}

/** Inserts execution events in batched statements; shared by emit, job completion and the executor store. */
export async function insertEvents(tx: SqlExecutor, events: readonly ExecutionEventEnvelope[], now: number): Promise<void> {
  for (const batch of chunks(events, 3)) {
    const params = batch.flatMap((envelope) => {
      const payload: EventPayload = { event: envelope.event };
      if (envelope.execution) payload.execution = envelope.execution;
      return [envelope.executionId, JSON.stringify(payload), deliverAtMillis(envelope, now)];
    });
    await tx.run(`INSERT INTO execution_events (execution_id, payload, deliver_at) VALUES ${valuesList(batch.length, 3)}`, params);
  }
}

const JOB_COLUMNS = ['id', 'execution_id', 'task_run_id', 'payload', 'state', 'worker_id', 'lease_until', 'deliveries', 'created', 'worker_group'];

/** Queues worker jobs; a job id already queued is left alone (a decision replayed after a crash). */
export async function insertJobs(tx: SqlExecutor, jobs: readonly WorkerJob[], now: number): Promise<void> {
  const ignore = tx.dialect.insertIgnore(['id']);
  for (const batch of chunks(jobs, JOB_COLUMNS.length)) {
    const params = batch.flatMap((job) => [job.id, job.executionId, job.taskRun.id, JSON.stringify(job), 'QUEUED', null, 0, 0, now, job.workerGroup ?? null]);
    await tx.run(`INSERT INTO worker_jobs (${JOB_COLUMNS.join(', ')}) VALUES ${valuesList(batch.length, JOB_COLUMNS.length)} ${ignore}`, params);
  }
}

/** Deletes the queued (or lease-expired) jobs of the task runs and returns the ids of those still leased. */
export async function cancelJobs(tx: SqlExecutor, taskRunIds: readonly string[], now: number): Promise<string[]> {
  if (taskRunIds.length === 0) return [];
  const ofTaskRuns = tx.dialect.in('task_run_id', taskRunIds);
  await tx.run(`DELETE FROM worker_jobs WHERE ${ofTaskRuns.sql} AND lease_until <= ?`, [...ofTaskRuns.params, now]);
  const rows = await tx.query<{ id: string }>(`SELECT id FROM worker_jobs WHERE ${ofTaskRuns.sql} ORDER BY seq`, ofTaskRuns.params);
  return rows.map((row) => row.id);
}
