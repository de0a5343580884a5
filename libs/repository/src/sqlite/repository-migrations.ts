import type { SqliteMigration } from './sqlite-database.js';

/** Repository tables. Append new steps; never edit an applied one. */
export const repositoryMigrations: readonly SqliteMigration[] = [
  {
    id: 'repository-001',
    sql: `
      CREATE TABLE flows (
        namespace TEXT NOT NULL,
        id TEXT NOT NULL,
        revision INTEGER NOT NULL,
        latest INTEGER NOT NULL,
        source TEXT NOT NULL,
        json TEXT NOT NULL,
        disabled INTEGER NOT NULL,
        deleted INTEGER NOT NULL,
        updated TEXT NOT NULL,
        PRIMARY KEY (namespace, id, revision)
      );
      CREATE INDEX flows_latest ON flows (latest, namespace, id);

      CREATE TABLE executions (
        id TEXT PRIMARY KEY,
        namespace TEXT NOT NULL,
        flow_id TEXT NOT NULL,
        state TEXT NOT NULL,
        start_date TEXT NOT NULL,
        end_date TEXT,
        labels TEXT NOT NULL,
        parent_id TEXT,
        version INTEGER NOT NULL,
        json TEXT NOT NULL
      );
      CREATE INDEX executions_start ON executions (start_date);
      CREATE INDEX executions_flow ON executions (namespace, flow_id, start_date);
      CREATE INDEX executions_state ON executions (state, start_date);
      CREATE INDEX executions_parent ON executions (parent_id);

      CREATE TABLE task_runs (
        id TEXT PRIMARY KEY,
        execution_id TEXT NOT NULL,
        namespace TEXT NOT NULL,
        flow_id TEXT NOT NULL,
        task_id TEXT NOT NULL,
        state TEXT NOT NULL,
        start_date TEXT NOT NULL,
        end_date TEXT,
        position INTEGER,
        json TEXT NOT NULL
      );
      CREATE INDEX task_runs_execution ON task_runs (execution_id, position);
      CREATE INDEX task_runs_start ON task_runs (start_date);
      CREATE INDEX task_runs_flow ON task_runs (namespace, flow_id, start_date);
      CREATE INDEX task_runs_state ON task_runs (state, start_date);

      CREATE TABLE logs (
        seq INTEGER PRIMARY KEY AUTOINCREMENT,
        namespace TEXT NOT NULL,
        flow_id TEXT NOT NULL,
        execution_id TEXT NOT NULL,
        task_id TEXT,
        task_run_id TEXT,
        level INTEGER NOT NULL,
        timestamp TEXT NOT NULL,
        message TEXT NOT NULL,
        json TEXT NOT NULL
      );
      CREATE INDEX logs_execution ON logs (execution_id, seq);
      CREATE INDEX logs_task_run ON logs (task_run_id, seq);
      CREATE INDEX logs_flow ON logs (namespace, flow_id, timestamp);
      CREATE INDEX logs_timestamp ON logs (timestamp);

      CREATE TABLE triggers (
        namespace TEXT NOT NULL,
        flow_id TEXT NOT NULL,
        trigger_id TEXT NOT NULL,
        next_ms INTEGER,
        disabled INTEGER NOT NULL,
        owner TEXT,
        owner_until INTEGER,
        json TEXT NOT NULL,
        PRIMARY KEY (namespace, flow_id, trigger_id)
      );
      CREATE INDEX triggers_due ON triggers (next_ms);

      CREATE TABLE kv (
        namespace TEXT NOT NULL,
        key TEXT NOT NULL,
        value TEXT NOT NULL,
        expires_at INTEGER,
        updated TEXT NOT NULL,
        PRIMARY KEY (namespace, key)
      );

      CREATE TABLE service_instances (
        id TEXT PRIMARY KEY,
        state TEXT NOT NULL,
        heartbeat_ms INTEGER NOT NULL,
        json TEXT NOT NULL
      );
    `,
  },
];
