// Reads the server's SQLite file through a separate read-only connection: WAL readers never block the
// server's writer, and a count by index costs the server far less than polling the HTTP API would.
// Table and column names: libs/repository/src/sqlite/repository-migrations.ts.
import { createRequire } from 'node:module';
import { setTimeout as sleep } from 'node:timers/promises';

const require = createRequire(import.meta.url);
const Database = require('better-sqlite3');

export class BenchTimeoutError extends Error {
  constructor(what, timeoutMs) {
    super(`${what} did not finish within ${Math.round(timeoutMs / 1000)} s`);
    this.name = 'BenchTimeoutError';
  }
}

export class DbReader {
  constructor(path) {
    this.db = new Database(path, { readonly: true, fileMustExist: true });
    this.countEnded = this.db.prepare('SELECT count(*) FROM executions WHERE namespace = ? AND flow_id = ? AND end_date IS NOT NULL').pluck();
    this.endOf = this.db.prepare('SELECT end_date FROM executions WHERE id = ?').pluck();
    this.rowsOf = this.db.prepare('SELECT id, state, start_date, end_date, json FROM executions WHERE namespace = ? AND flow_id = ?');
    this.rowOf = this.db.prepare('SELECT id, state, start_date, end_date, json FROM executions WHERE id = ?');
    this.taskRunsOf = this.db.prepare('SELECT json FROM task_runs WHERE execution_id = ? ORDER BY position, rowid').pluck();
    this.taskRunCount = this.db.prepare('SELECT count(*) FROM task_runs WHERE execution_id = ?').pluck();
  }

  /** Waits until `count` executions of the flow have an end date, polling every `pollMs`. */
  async waitForEnded(namespace, flowId, count, { pollMs = 100, timeoutMs }) {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      if (this.countEnded.get(namespace, flowId) >= count) return;
      if (Date.now() > deadline) throw new BenchTimeoutError(`${count} executions of ${namespace}.${flowId}`, timeoutMs);
      await sleep(pollMs);
    }
  }

  /** Waits until one execution has an end date. */
  async waitForEnd(executionId, { pollMs = 50, timeoutMs }) {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      if (this.endOf.get(executionId)) return;
      if (Date.now() > deadline) throw new BenchTimeoutError(`execution ${executionId}`, timeoutMs);
      await sleep(pollMs);
    }
  }

  /** Executions of a flow: id, final state, start (creation) and end dates, and the state history. */
  executions(namespace, flowId) {
    return this.rowsOf.all(namespace, flowId).map(summary);
  }

  execution(id) {
    const row = this.rowOf.get(id);
    return row ? summary(row) : undefined;
  }

  taskRuns(executionId) {
    return this.taskRunsOf.all(executionId).map((json) => JSON.parse(json));
  }

  countTaskRuns(executionId) {
    return this.taskRunCount.get(executionId);
  }

  close() {
    this.db.close();
  }
}

function summary(row) {
  return {
    id: row.id,
    state: row.state,
    startDate: row.start_date,
    endDate: row.end_date,
    histories: JSON.parse(row.json).state?.histories ?? [],
  };
}
