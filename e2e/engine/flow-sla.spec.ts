import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createSqlTestDatabase, type SqlTestDatabase } from '@osprey/sql/testing';
import { eventually, httpJson, OspreyProcess } from '../support/osprey-process.js';
import { writeKafkaOpenSearchConfig } from '../support/test-servers.js';

/**
 * Flow SLAs on a real deployment: the MAX_DURATION deadline travels as a delayed execution event through the
 * backend's queue (SQLite, PostgreSQL, MariaDB, Kafka) and fails a long-running execution, killing its task; an
 * EXECUTION_ASSERTION that is false fails the execution at its start. Both add their labels.
 */
interface ExecutionView {
  id: string;
  state: { current: string };
  labels?: { key: string; value: string }[];
  taskRunList: { taskId: string; state: { current: string } }[];
}

const MAX_DURATION = `id: sla-max-duration
namespace: io.osprey.sla
sla:
  - id: max
    type: MAX_DURATION
    duration: PT1S
    behavior: FAIL
    labels:
      sla: missed
tasks:
  - id: long
    type: io.kestra.plugin.core.flow.Sleep
    duration: PT5M
  - id: never
    type: io.kestra.plugin.core.log.Log
    message: not reached
`;

const ASSERTION = `id: sla-assertion
namespace: io.osprey.sla
inputs:
  - id: rows
    type: INT
    defaults: 0
sla:
  - id: has-rows
    type: EXECUTION_ASSERTION
    assert: "{{ inputs.rows > 0 }}"
    behavior: FAIL
    labels:
      - key: sla
        value: no-rows
tasks:
  - id: count
    type: io.kestra.plugin.core.debug.Return
    format: "{{ inputs.rows }}"
`;

const ENDED = new Set(['SUCCESS', 'WARNING', 'FAILED', 'KILLED', 'CANCELLED']);

interface Backend {
  name: string;
  /** The CLI arguments of one process running every service, on a fresh store. */
  open(dir: string): Promise<{ args: string[]; drop: () => Promise<void> }>;
}

function sqlServer(server: 'postgres' | 'mysql'): Backend['open'] {
  return async (dir) => {
    const database: SqlTestDatabase = await createSqlTestDatabase(server);
    const config = join(dir, 'osprey.yaml');
    writeFileSync(config, `dataDir: ${join(dir, 'data')}\nqueue:\n  type: ${server}\n  url: ${database.url}\n  poolSize: 6\nstorage:\n  type: local\n  basePath: ${join(dir, 'storage')}\n`);
    return { args: ['server', 'standalone', '--config', config], drop: () => database.drop() };
  };
}


async function kafka(dir: string): Promise<{ args: string[]; drop: () => Promise<void> }> {
  const prefix = `sla-${process.pid}-${Date.now().toString(36)}`;
  const config = writeKafkaOpenSearchConfig(dir, prefix);
  return { args: ['server', 'standalone', '--config', config], drop: async () => undefined };
}

const BACKENDS: Backend[] = [
  { name: 'SQLite (server local)', open: async (dir) => ({ args: ['server', 'local', '--data-dir', dir], drop: async () => undefined }) },
  { name: 'PostgreSQL (server standalone)', open: sqlServer('postgres') },
  { name: 'MariaDB (server standalone)', open: sqlServer('mysql') },
  { name: 'Kafka + OpenSearch (server standalone)', open: kafka },
];

describe.each(BACKENDS)('flow SLAs on $name', (backend) => {
  let dir: string;
  let server: OspreyProcess;
  let api: string;
  let drop: () => Promise<void> = async () => undefined;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'osprey-sla-'));
    const opened = await backend.open(dir);
    drop = opened.drop;
    server = new OspreyProcess('server', [...opened.args, '--port', '0'], { OSPREY_LOGGING_LEVEL: 'info' });
    api = String((await server.waitForLog(/listening on/, 60_000)).url);
    // A search repository still creating its indices answers 503 for a moment: deploy once it takes the flows.
    for (const source of [MAX_DURATION, ASSERTION]) {
      await eventually(
        'the flow to be deployed',
        async () => {
          const deployed = await httpJson(`${api}/api/v1/flows`, { method: 'POST', headers: { 'content-type': 'application/x-yaml' }, body: source });
          if (deployed.status !== 200 && deployed.status !== 503) throw new Error(`deploying the flow answered ${deployed.status}`);
          return deployed.status === 200 ? true : undefined;
        },
        60_000,
        500,
      );
    }
  }, 120_000);

  afterAll(async () => {
    await server?.stop();
    rmSync(dir, { recursive: true, force: true });
    await drop();
  }, 60_000);

  it('MAX_DURATION with behavior FAIL fails a long-running execution, kills its task and adds the labels', async () => {
    const created = await httpJson<ExecutionView>(`${api}/api/v1/executions/io.osprey.sla/sla-max-duration`, { method: 'POST' });
    expect(created.status).toBe(200);
    const ended = await eventually(
      'the execution to end',
      async () => {
        const current = await httpJson<ExecutionView>(`${api}/api/v1/executions/${created.body.id}`);
        // With a search repository, task runs are indexed apart from their execution: wait until both show the end.
        // (An empty list is task runs not indexed yet, not task runs that all ended.)
        const done = current.status === 200 && ENDED.has(current.body.state.current) && current.body.taskRunList.length > 0 && current.body.taskRunList.every((t) => ENDED.has(t.state.current));
        return done ? current.body : undefined;
      },
      90_000,
      250,
    );
    expect(ended.state.current).toBe('FAILED');
    expect(ended.labels).toContainEqual({ key: 'sla', value: 'missed' });
    expect(ended.taskRunList.map((t) => [t.taskId, t.state.current])).toEqual([['long', 'KILLED']]);
    // Logs, too, reach a search repository a moment later.
    const violated = await eventually(
      'the violation to be logged',
      async () => {
        const logs = await httpJson<{ message: string; level: string }[]>(`${api}/api/v1/logs/${ended.id}`);
        return logs.body.find((l) => l.message.startsWith("SLA 'max' violated"));
      },
      30_000,
      250,
    );
    expect(violated).toMatchObject({ level: 'WARN', message: expect.stringMatching(/^SLA 'max' violated: the execution has run \d+\.\d{3}s, more than the maximum duration PT1S$/) });
  }, 120_000);

  it('EXECUTION_ASSERTION fails the execution when its assertion is false, and leaves it alone when true', async () => {
    const failed = await httpJson<ExecutionView>(`${api}/api/v1/executions/io.osprey.sla/sla-assertion?wait=true`, { method: 'POST' });
    expect(failed.body.state.current).toBe('FAILED');
    expect(failed.body.labels).toContainEqual({ key: 'sla', value: 'no-rows' });
    expect(failed.body.taskRunList).toEqual([]);

    const passed = await httpJson<ExecutionView>(`${api}/api/v1/executions/io.osprey.sla/sla-assertion?wait=true`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ rows: 3 }),
    });
    expect(passed.body.state.current).toBe('SUCCESS');
    expect(passed.body.labels ?? []).not.toContainEqual({ key: 'sla', value: 'no-rows' });
  }, 120_000);
});
