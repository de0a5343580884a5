import type { SqlMigration } from './sql-database.js';

/**
 * Repository tables of the SQL family (PostgreSQL, MySQL/MariaDB, SQLite), with `labels` as a JSON column searched
 * by containment. Append new steps; never edit an applied one.
 */
export const sqlRepositoryMigrations: readonly SqlMigration[] = [
  {
    name: 'OspreyRepository1767225600001',
    statements: ({ keyType: key, documentType: doc, jsonType: json, serialKey, tableOptions: options }) => [
      `CREATE TABLE flows (
        namespace ${key} NOT NULL,
        id ${key} NOT NULL,
        revision INTEGER NOT NULL,
        latest SMALLINT NOT NULL,
        source ${doc} NOT NULL,
        json ${doc} NOT NULL,
        labels ${json} NOT NULL,
        disabled SMALLINT NOT NULL,
        deleted SMALLINT NOT NULL,
        updated ${key} NOT NULL,
        PRIMARY KEY (namespace, id, revision)
      ) ${options}`,
      'CREATE INDEX flows_latest ON flows (latest, namespace, id)',

      `CREATE TABLE executions (
        id ${key} NOT NULL PRIMARY KEY,
        namespace ${key} NOT NULL,
        flow_id ${key} NOT NULL,
        state ${key} NOT NULL,
        start_date ${key} NOT NULL,
        end_date ${key},
        labels ${json} NOT NULL,
        parent_id ${key},
        version INTEGER NOT NULL,
        json ${doc} NOT NULL
      ) ${options}`,
      'CREATE INDEX executions_start ON executions (start_date)',
      'CREATE INDEX executions_flow ON executions (namespace, flow_id, start_date)',
      'CREATE INDEX executions_state ON executions (state, start_date)',
      'CREATE INDEX executions_parent ON executions (parent_id)',

      `CREATE TABLE task_runs (
        id ${key} NOT NULL PRIMARY KEY,
        execution_id ${key} NOT NULL,
        namespace ${key} NOT NULL,
        flow_id ${key} NOT NULL,
        task_id ${key} NOT NULL,
        state ${key} NOT NULL,
        start_date ${key} NOT NULL,
        end_date ${key},
        position INTEGER,
        seq BIGINT NOT NULL,
        json ${doc} NOT NULL
      ) ${options}`,
      'CREATE INDEX task_runs_execution ON task_runs (execution_id, position, seq)',
      'CREATE INDEX task_runs_start ON task_runs (start_date)',
      'CREATE INDEX task_runs_flow ON task_runs (namespace, flow_id, start_date)',
      'CREATE INDEX task_runs_state ON task_runs (state, start_date)',
      'CREATE INDEX task_runs_task ON task_runs (task_id, start_date)',

      `CREATE TABLE logs (
        seq ${serialKey},
        namespace ${key} NOT NULL,
        flow_id ${key} NOT NULL,
        execution_id ${key} NOT NULL,
        task_id ${key},
        task_run_id ${key},
        level SMALLINT NOT NULL,
        timestamp ${key} NOT NULL,
        message ${doc} NOT NULL,
        json ${doc} NOT NULL
      ) ${options}`,
      'CREATE INDEX logs_execution ON logs (execution_id, seq)',
      'CREATE INDEX logs_task_run ON logs (task_run_id, seq)',
      'CREATE INDEX logs_flow ON logs (namespace, flow_id, timestamp)',
      'CREATE INDEX logs_timestamp ON logs (timestamp)',

      `CREATE TABLE triggers (
        namespace ${key} NOT NULL,
        flow_id ${key} NOT NULL,
        trigger_id ${key} NOT NULL,
        next_ms BIGINT,
        disabled SMALLINT NOT NULL,
        owner ${key},
        owner_until BIGINT,
        json ${doc} NOT NULL,
        PRIMARY KEY (namespace, flow_id, trigger_id)
      ) ${options}`,
      'CREATE INDEX triggers_due ON triggers (disabled, next_ms)',

      `CREATE TABLE kv (
        namespace ${key} NOT NULL,
        kv_key ${key} NOT NULL,
        value ${doc} NOT NULL,
        expires_at BIGINT,
        updated ${key} NOT NULL,
        PRIMARY KEY (namespace, kv_key)
      ) ${options}`,

      `CREATE TABLE service_instances (
        id ${key} NOT NULL PRIMARY KEY,
        state ${key} NOT NULL,
        heartbeat_ms BIGINT NOT NULL,
        json ${doc} NOT NULL
      ) ${options}`,
      'CREATE INDEX service_instances_heartbeat ON service_instances (state, heartbeat_ms)',
    ],
    // The pre-family SQLite adapter's `repository-001`: the same tables but for flow labels, task run order (its
    // rowid), the kv key's column name and three indexes. Existing rows keep their order: seq starts at the rowid.
    sqliteLegacy: {
      legacyId: 'repository-001',
      statements: [
        "ALTER TABLE flows ADD COLUMN labels TEXT NOT NULL DEFAULT '[]'",
        `UPDATE flows SET labels = (SELECT json_group_array(json_object('key', json_extract(l.value, '$.key'), 'value', json_extract(l.value, '$.value')))
           FROM json_each(flows.json, '$.labels') l)`,
        'ALTER TABLE task_runs ADD COLUMN seq INTEGER NOT NULL DEFAULT 0',
        'UPDATE task_runs SET seq = rowid',
        'DROP INDEX task_runs_execution',
        'CREATE INDEX task_runs_execution ON task_runs (execution_id, position, seq)',
        'CREATE INDEX task_runs_task ON task_runs (task_id, start_date)',
        'DROP INDEX triggers_due',
        'CREATE INDEX triggers_due ON triggers (disabled, next_ms)',
        'ALTER TABLE kv RENAME COLUMN key TO kv_key',
        'CREATE INDEX service_instances_heartbeat ON service_instances (state, heartbeat_ms)',
      ],
    },
  },
];
