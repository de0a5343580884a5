import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runCli } from './support/osprey-cli.js';
import { eventually, httpJson, OspreyProcess } from './support/osprey-process.js';

/** `osprey server local` as a user starts it: health, a flow deployed and run over HTTP, a webhook, metrics, SIGTERM. */
interface ExecutionView {
  id: string;
  inputs?: Record<string, unknown>;
  state: { current: string };
  taskRunList: { taskId: string; state: { current: string }; outputs?: Record<string, unknown> }[];
  trigger?: { type: string; variables: Record<string, unknown> };
}

const FLOW = `id: greet
namespace: io.osprey.e2e
inputs:
  - id: name
    type: STRING
    defaults: world
  - id: source
    type: STRING
    required: false
tasks:
  - id: hello
    type: io.kestra.plugin.core.log.Log
    message: "Hello {{ inputs.name }}"
  - id: shout
    type: io.kestra.plugin.core.debug.Return
    format: "{{ trigger.body.who ?? inputs.name | upper }}"
triggers:
  - id: hook
    type: io.kestra.plugin.core.trigger.Webhook
    key: s3cr3t-key
    inputs:
      source: "{{ trigger.parameters.source }}"
`;

describe('osprey server local', () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'osprey-local-'));
  let server: OspreyProcess;
  let api: string;

  beforeAll(async () => {
    server = new OspreyProcess('server', ['server', 'local', '--port', '0', '--data-dir', dataDir]);
    api = String((await server.waitForLog(/listening on/)).url);
  });

  afterAll(async () => {
    await server.stop();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('answers /health/live and /health/ready', async () => {
    expect((await httpJson(`${api}/health/live`)).status).toBe(200);
    expect(await httpJson(`${api}/health/ready`)).toEqual({ status: 200, body: { status: 'UP', roles: ['executor', 'worker', 'scheduler', 'webserver'] } });
  });

  it('deploys a flow and runs it with inputs, waiting for the end', async () => {
    const deployed = await httpJson<{ revision: number }>(`${api}/api/v1/flows`, { method: 'POST', headers: { 'content-type': 'application/x-yaml' }, body: FLOW });
    expect(deployed.status).toBe(200);
    expect(deployed.body.revision).toBe(1);
    const run = await httpJson<ExecutionView>(`${api}/api/v1/executions/io.osprey.e2e/greet?wait=true`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ name: 'osprey' }),
    });
    expect(run.body.state.current).toBe('SUCCESS');
    expect(run.body.taskRunList.find((r) => r.taskId === 'shout')?.outputs).toEqual({ value: 'OSPREY' });
    const logs = await httpJson<{ message: string; taskId: string }[]>(`${api}/api/v1/logs/${run.body.id}`);
    expect(logs.body).toEqual(expect.arrayContaining([expect.objectContaining({ taskId: 'hello', message: 'Hello osprey' })]));
  });

  it('rejects invalid flows and inputs with a 4xx JSON body naming the problem', async () => {
    const bad = await httpJson<{ message: string; violations: { path: string; line: number }[] }>(`${api}/api/v1/flows`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-yaml' },
      body: 'id: broken\nnamespace: io.osprey.e2e\ntasks:\n  - id: t\n    type: io.kestra.plugin.core.nope.Nope\n',
    });
    expect(bad.status).toBe(422);
    expect(bad.body.violations[0]).toMatchObject({ path: 'tasks[0].type', line: 5 });
    const unknown = await httpJson<{ message: string }>(`${api}/api/v1/executions/io.osprey.e2e/missing`, { method: 'POST' });
    expect(unknown.status).toBe(404);
    expect(unknown.body.message).toContain('io.osprey.e2e.missing');
  });

  it('starts an execution from the webhook trigger with its key, and refuses a wrong key', async () => {
    const wrong = await httpJson(`${api}/api/v1/executions/webhook/io.osprey.e2e/greet/wrong`, { method: 'POST' });
    expect(wrong.status).toBe(404);
    const hook = await httpJson<ExecutionView>(`${api}/api/v1/executions/webhook/io.osprey.e2e/greet/s3cr3t-key?source=ci`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ who: 'hook' }),
    });
    expect(hook.status).toBe(200);
    const ended = await eventually(
      'the webhook execution to end',
      async () => {
        const { body } = await httpJson<ExecutionView>(`${api}/api/v1/executions/${hook.body.id}`);
        return body?.state?.current === 'SUCCESS' ? body : undefined;
      },
      20_000,
    );
    expect(ended.taskRunList.find((r) => r.taskId === 'shout')?.outputs).toEqual({ value: 'HOOK' });
    expect(ended.trigger?.variables).toMatchObject({ body: { who: 'hook' }, parameters: { source: 'ci' } });
    expect(ended.inputs).toMatchObject({ source: 'ci' });
  });

  it('exports Prometheus metrics with the queue depth', async () => {
    const text = await (await fetch(`${api}/metrics`)).text();
    expect(text).toMatch(/^osprey_worker_jobs_pending \d+$/m);
    expect(text).toMatch(/^osprey_execution_events_pending \d+$/m);
    expect(text).toMatch(/^osprey_executions_ended_total\{state="SUCCESS",namespace="io.osprey.e2e"\} [1-9]/m);
    expect(text).toMatch(/^osprey_worker_job_wait_seconds_count\{type="io.kestra.plugin.core.log.Log"\} [1-9]/m);
    expect(text).toMatch(/^osprey_worker_job_run_seconds_count\{type="io.kestra.plugin.core.debug.Return",state="SUCCESS"\} [1-9]/m);
  });

  it('exits with a clear message when its port is taken', async () => {
    const port = new URL(api).port;
    const other = mkdtempSync(join(tmpdir(), 'osprey-local-2-'));
    try {
      const result = await runCli(['server', 'local', '--port', port, '--data-dir', other], { timeoutMs: 30_000 });
      expect(result.code).toBe(1);
      expect(result.stderr).toMatch(/port is already in use.*pick another with --port/);
    } finally {
      rmSync(other, { recursive: true, force: true });
    }
  });

  it('stops gracefully on SIGTERM', async () => {
    const code = await server.kill('SIGTERM');
    expect(code).toBe(0);
    expect(server.lines.some((l) => l.msg === 'osprey services stopped')).toBe(true);
  });
});
