// The DbReader of a PostgreSQL or MySQL/MariaDB backend: the same questions, asked over one plain connection
// of the harness (not through Osprey). Every method is async; callers await either reader.
// Table and column names: libs/repository/src/sql/sql-repository-migrations.ts.
import { setTimeout as sleep } from 'node:timers/promises';
import { BenchTimeoutError } from './db-reader.mjs';
import { connect } from './sql-backend.mjs';

const json = (value) => (typeof value === 'string' ? JSON.parse(value) : value);

export class SqlReader {
  static async open(url) {
    const reader = new SqlReader();
    reader.db = await connect(url);
    return reader;
  }

  async waitForEnded(namespace, flowId, count, { pollMs = 100, timeoutMs }) {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const [row] = await this.db.query('SELECT count(*) AS n FROM executions WHERE namespace = ? AND flow_id = ? AND end_date IS NOT NULL', [namespace, flowId]);
      if (Number(row.n) >= count) return;
      if (Date.now() > deadline) throw new BenchTimeoutError(`${count} executions of ${namespace}.${flowId}`, timeoutMs);
      await sleep(pollMs);
    }
  }

  async waitForEnd(executionId, { pollMs = 50, timeoutMs }) {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const [row] = await this.db.query('SELECT end_date FROM executions WHERE id = ?', [executionId]);
      if (row?.end_date) return;
      if (Date.now() > deadline) throw new BenchTimeoutError(`execution ${executionId}`, timeoutMs);
      await sleep(pollMs);
    }
  }

  async executions(namespace, flowId) {
    return (await this.db.query('SELECT id, state, start_date, end_date, json FROM executions WHERE namespace = ? AND flow_id = ?', [namespace, flowId])).map(summary);
  }

  async execution(id) {
    const [row] = await this.db.query('SELECT id, state, start_date, end_date, json FROM executions WHERE id = ?', [id]);
    return row ? summary(row) : undefined;
  }

  async taskRuns(executionId) {
    return (await this.db.query('SELECT json FROM task_runs WHERE execution_id = ? ORDER BY position, seq', [executionId])).map((row) => json(row.json));
  }

  async countTaskRuns(executionId) {
    const [row] = await this.db.query('SELECT count(*) AS n FROM task_runs WHERE execution_id = ?', [executionId]);
    return Number(row.n);
  }

  close() {
    return this.db.close();
  }
}

function summary(row) {
  return { id: row.id, state: row.state, startDate: row.start_date, endDate: row.end_date, histories: json(row.json).state?.histories ?? [] };
}
