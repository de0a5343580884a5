import { type SqlDialect, sqliteDialect, type SqlMigration } from '@osprey/sql';

// lease_until is 0 while queued, so "takeable" is one index range: lease_until <= now.
function workerJobs({ keyType: key, documentType: doc, serialKey, tableOptions: options }: SqlDialect): string[] {
  return [
    `CREATE TABLE worker_jobs (
          seq ${serialKey},
          id ${key} NOT NULL,
          execution_id ${key} NOT NULL,
          task_run_id ${key} NOT NULL,
          payload ${doc} NOT NULL,
          state ${key} NOT NULL,
          worker_id ${key},
          lease_until BIGINT NOT NULL,
          deliveries INTEGER NOT NULL,
          created BIGINT NOT NULL
        ) ${options}`,
    'CREATE UNIQUE INDEX worker_jobs_id ON worker_jobs (id)',
    'CREATE INDEX worker_jobs_takeable ON worker_jobs (lease_until, seq)',
    'CREATE INDEX worker_jobs_task_run ON worker_jobs (task_run_id)',
  ];
}

/**
 * Queue tables of the SQL family. Delivered rows are deleted (events on commit, jobs on completion, broadcasts
 * after a minute), so the tables hold only what is in flight. On PostgreSQL, triggers NOTIFY the consumers' LISTEN
 * connection in the writing transaction's commit, whoever writes. Append new steps; never edit an applied one.
 */
export const sqlQueueMigrations: readonly SqlMigration[] = [
  {
    name: 'OspreyQueue1767225700001',
    statements: (dialect) => {
      const { keyType: key, documentType: doc, serialKey, tableOptions: options } = dialect;
      const tables = [
        `CREATE TABLE execution_events (
          seq ${serialKey},
          execution_id ${key} NOT NULL,
          payload ${doc} NOT NULL,
          deliver_at BIGINT NOT NULL
        ) ${options}`,
        'CREATE INDEX execution_events_execution ON execution_events (execution_id, seq)',
        'CREATE INDEX execution_events_due ON execution_events (deliver_at, seq)',

        `CREATE TABLE execution_locks (
          execution_id ${key} NOT NULL PRIMARY KEY,
          owner ${key} NOT NULL,
          lease_until BIGINT NOT NULL
        ) ${options}`,

        ...workerJobs(dialect),

        `CREATE TABLE broadcast (
          seq ${serialKey},
          payload ${doc} NOT NULL,
          created BIGINT NOT NULL
        ) ${options}`,
        'CREATE INDEX broadcast_created ON broadcast (created)',
      ];
      if (dialect.name !== 'postgres') return tables;
      return [
        ...tables,
        `CREATE OR REPLACE FUNCTION osprey_notify() RETURNS trigger LANGUAGE plpgsql AS $$
         BEGIN PERFORM pg_notify(TG_ARGV[0], ''); RETURN NULL; END $$`,
        `CREATE TRIGGER execution_events_notify AFTER INSERT ON execution_events FOR EACH STATEMENT EXECUTE FUNCTION osprey_notify('osprey_events')`,
        // A released claim may make events that arrived meanwhile claimable.
        `CREATE TRIGGER execution_locks_notify AFTER DELETE ON execution_locks FOR EACH STATEMENT EXECUTE FUNCTION osprey_notify('osprey_events')`,
        `CREATE TRIGGER worker_jobs_notify AFTER INSERT ON worker_jobs FOR EACH STATEMENT EXECUTE FUNCTION osprey_notify('osprey_jobs')`,
        `CREATE TRIGGER worker_jobs_requeued AFTER UPDATE ON worker_jobs FOR EACH ROW WHEN (NEW.lease_until = 0) EXECUTE FUNCTION osprey_notify('osprey_jobs')`,
        `CREATE TRIGGER broadcast_notify AFTER INSERT ON broadcast FOR EACH STATEMENT EXECUTE FUNCTION osprey_notify('osprey_broadcast')`,
      ];
    },
    // The pre-family SQLite adapter's `queue-001`: worker jobs gain an auto-numbered seq (the table is rebuilt, rows
    // copied in their take order), the claim lease column is renamed, and the due-event index gains seq.
    sqliteLegacy: {
      legacyId: 'queue-001',
      statements: [
        'DROP INDEX execution_events_due',
        'CREATE INDEX execution_events_due ON execution_events (deliver_at, seq)',
        'ALTER TABLE execution_locks RENAME COLUMN until TO lease_until',
        'DROP INDEX worker_jobs_takeable',
        'DROP INDEX worker_jobs_task_run',
        'ALTER TABLE worker_jobs RENAME TO worker_jobs_legacy',
        ...workerJobs(sqliteDialect),
        `INSERT INTO worker_jobs (id, execution_id, task_run_id, payload, state, worker_id, lease_until, deliveries, created)
         SELECT id, execution_id, task_run_id, payload, state, worker_id, lease_until, deliveries, created FROM worker_jobs_legacy
         ORDER BY lease_until, created, rowid`,
        'DROP TABLE worker_jobs_legacy',
      ],
    },
  },
  {
    // Worker groups: a job of a group is taken only by workers of that group; NULL is the jobs of no group.
    name: 'OspreyQueue1767225700002',
    statements: ({ keyType: key }) => [
      `ALTER TABLE worker_jobs ADD COLUMN worker_group ${key}`,
      'CREATE INDEX worker_jobs_group_takeable ON worker_jobs (worker_group, lease_until, seq)',
    ],
  },
  {
    name: 'OspreyQueue1796600000001',
    // Flow trigger precondition windows: executor state, written in the transaction of the decision that changes them.
    statements: ({ keyType: key, documentType: doc, tableOptions: options }) => [
      `CREATE TABLE condition_windows (
          window_key ${key} NOT NULL PRIMARY KEY,
          namespace ${key} NOT NULL,
          flow_id ${key} NOT NULL,
          condition_id ${key} NOT NULL,
          end_at BIGINT NOT NULL,
          version INTEGER NOT NULL,
          payload ${doc} NOT NULL
        ) ${options}`,
      'CREATE INDEX condition_windows_end ON condition_windows (end_at)',
    ],
  },
];
