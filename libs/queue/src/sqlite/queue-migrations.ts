import type { SqliteMigration } from '@osprey/repository';

/** Queue tables; rows are deleted once consumed so the tables stay small. Append new steps; never edit one. */
export const queueMigrations: readonly SqliteMigration[] = [
  {
    id: 'queue-001',
    sql: `
      CREATE TABLE execution_events (
        seq INTEGER PRIMARY KEY AUTOINCREMENT,
        execution_id TEXT NOT NULL,
        payload TEXT NOT NULL,
        deliver_at INTEGER NOT NULL
      );
      CREATE INDEX execution_events_execution ON execution_events (execution_id, seq);
      CREATE INDEX execution_events_due ON execution_events (deliver_at);

      CREATE TABLE execution_locks (
        execution_id TEXT PRIMARY KEY,
        owner TEXT NOT NULL,
        until INTEGER NOT NULL
      );

      -- lease_until is 0 while queued, so "takeable" is one range scan: lease_until <= now.
      CREATE TABLE worker_jobs (
        id TEXT PRIMARY KEY,
        execution_id TEXT NOT NULL,
        task_run_id TEXT NOT NULL,
        payload TEXT NOT NULL,
        state TEXT NOT NULL,
        worker_id TEXT,
        lease_until INTEGER NOT NULL,
        deliveries INTEGER NOT NULL,
        created INTEGER NOT NULL
      );
      CREATE INDEX worker_jobs_takeable ON worker_jobs (lease_until, created);
      CREATE INDEX worker_jobs_task_run ON worker_jobs (task_run_id);

      CREATE TABLE broadcast (
        seq INTEGER PRIMARY KEY AUTOINCREMENT,
        payload TEXT NOT NULL,
        created INTEGER NOT NULL
      );
      CREATE INDEX broadcast_created ON broadcast (created);
    `,
  },
];
