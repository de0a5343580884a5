// The database's own job-cycle rate, without Osprey: insert a job -> claim it with FOR UPDATE SKIP LOCKED ->
// complete it (delete the job, insert its result), with plain pg / mysql2 connections. The statements mirror
// what the SQL queue adapter does (libs/queue/src/sql/sql-worker-job-queue.ts), so the rate is the ceiling
// that Osprey's job handling is measured against.
import { connect } from './sql-backend.mjs';

const SCHEMA = {
  postgres: [
    'CREATE TABLE raw_jobs (seq BIGSERIAL PRIMARY KEY, id VARCHAR(64) NOT NULL, payload TEXT NOT NULL, worker_id VARCHAR(64), lease_until BIGINT NOT NULL)',
    'CREATE INDEX raw_jobs_takeable ON raw_jobs (lease_until, seq)',
    'CREATE TABLE raw_results (seq BIGSERIAL PRIMARY KEY, job_id VARCHAR(64) NOT NULL, payload TEXT NOT NULL)',
  ],
  mysql: [
    'CREATE TABLE raw_jobs (seq BIGINT AUTO_INCREMENT PRIMARY KEY, id VARCHAR(64) NOT NULL, payload TEXT NOT NULL, worker_id VARCHAR(64), lease_until BIGINT NOT NULL) ENGINE=InnoDB',
    'CREATE INDEX raw_jobs_takeable ON raw_jobs (lease_until, seq)',
    'CREATE TABLE raw_results (seq BIGINT AUTO_INCREMENT PRIMARY KEY, job_id VARCHAR(64) NOT NULL, payload TEXT NOT NULL) ENGINE=InnoDB',
  ],
};

const PAYLOAD = JSON.stringify({ task: { id: 'log', type: 'io.kestra.plugin.core.log.Log', message: 'hello' }, attempt: 1 });

/** One client's loop: publish, take, complete, until `until`; returns the number of completed cycles. */
async function client(url, index, until) {
  const db = await connect(url);
  const worker = `raw-${index}`;
  let cycles = 0;
  let n = 0;
  try {
    while (Date.now() < until) {
      const id = `${worker}-${n++}`;
      await db.query('INSERT INTO raw_jobs (id, payload, lease_until) VALUES (?, ?, 0)', [id, PAYLOAD]);
      const now = Date.now();
      let taken;
      if (db.dialect === 'postgres') {
        [taken] = await db.query(
          `UPDATE raw_jobs SET worker_id = ?, lease_until = ? WHERE seq IN
             (SELECT seq FROM raw_jobs WHERE lease_until <= ? ORDER BY lease_until, seq LIMIT 1 FOR UPDATE SKIP LOCKED)
           RETURNING seq, id, payload`,
          [worker, now + 15_000, now],
        );
      } else {
        await db.query('START TRANSACTION');
        [taken] = await db.query('SELECT seq, id, payload FROM raw_jobs WHERE lease_until <= ? ORDER BY lease_until, seq LIMIT 1 FOR UPDATE SKIP LOCKED', [now]);
        if (taken) await db.query('UPDATE raw_jobs SET worker_id = ?, lease_until = ? WHERE seq = ?', [worker, now + 15_000, taken.seq]);
        await db.query('COMMIT');
      }
      // Another client may have taken this one's job (and this one nothing, for now): its own job stays queued.
      if (!taken) continue;
      const result = JSON.stringify({ jobId: taken.id, state: 'SUCCESS' });
      if (db.dialect === 'postgres') {
        await db.query('WITH done AS (DELETE FROM raw_jobs WHERE seq = ?) INSERT INTO raw_results (job_id, payload) VALUES (?, ?)', [taken.seq, taken.id, result]);
      } else {
        await db.query('START TRANSACTION');
        await db.query('DELETE FROM raw_jobs WHERE seq = ?', [taken.seq]);
        await db.query('INSERT INTO raw_results (job_id, payload) VALUES (?, ?)', [taken.id, result]);
        await db.query('COMMIT');
      }
      cycles++;
    }
  } finally {
    await db.close();
  }
  return cycles;
}

/**
 * Measures cycles/s with each number of concurrent clients for `durationMs` each, on fresh tables of the
 * database at `url` (dropped afterwards). Resolves with [{ clients, cyclesPerSecond, msPerCycle }].
 */
export async function measureRawJobCycle(url, { clients = [1, 8], durationMs = 5000 } = {}) {
  const admin = await connect(url);
  try {
    for (const statement of SCHEMA[admin.dialect]) await admin.query(statement);
    const results = [];
    for (const count of clients) {
      const t0 = Date.now();
      const done = await Promise.all(Array.from({ length: count }, (_, i) => client(url, i, t0 + durationMs)));
      const seconds = (Date.now() - t0) / 1000;
      const total = done.reduce((a, b) => a + b, 0);
      results.push({ clients: count, cycles: total, cyclesPerSecond: total / seconds, msPerCycle: (1000 * count) / (total / seconds) });
      await admin.query('DELETE FROM raw_jobs');
      await admin.query('DELETE FROM raw_results');
    }
    return results;
  } finally {
    await admin.query('DROP TABLE raw_jobs').catch(() => undefined);
    await admin.query('DROP TABLE raw_results').catch(() => undefined);
    await admin.close();
  }
}
