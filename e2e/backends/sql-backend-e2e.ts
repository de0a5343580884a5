/// <reference types="jest" />
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sqlQueueSchema } from '@osprey/queue/sql';
import { createSqlTestDatabase, type SqlTestDatabase, type SqlTestServer } from '@osprey/sql/testing';
import { runCli } from '../support/osprey-cli.js';
import { eventually, httpJson, OspreyProcess } from '../support/osprey-process.js';
import { TcpProxy } from '../support/tcp-proxy.js';

interface ExecutionView {
  id: string;
  state: { current: string };
  outputs?: Record<string, unknown>;
  taskRunList: { taskId: string; value?: string; state: { current: string }; outputs?: Record<string, unknown>; attempts?: { workerId?: string }[] }[];
}

const HELLO = `id: hello-sql
namespace: io.osprey.e2e
inputs:
  - id: name
    type: STRING
    defaults: world
tasks:
  - id: greet
    type: io.kestra.plugin.core.debug.Return
    format: "hello {{ inputs.name }}"
  - id: log
    type: io.kestra.plugin.core.log.Log
    message: "{{ outputs.greet.value }}"
outputs:
  - id: greeting
    type: STRING
    value: "{{ outputs.greet.value }}"
`;

const FOR_EACH = `id: foreach-sql
namespace: io.osprey.e2e
tasks:
  - id: each
    type: io.kestra.plugin.core.flow.ForEach
    values: ["a", "b", "c", "d"]
    concurrencyLimit: 0
    tasks:
      - id: item
        type: io.kestra.plugin.core.debug.Return
        format: "item {{ taskrun.value }}"
  - id: done
    type: io.kestra.plugin.core.debug.Return
    format: "done"
`;

async function deploy(api: string, source: string): Promise<void> {
  const deployed = await httpJson(`${api}/api/v1/flows`, { method: 'POST', headers: { 'content-type': 'application/x-yaml' }, body: source });
  expect(deployed.status).toBeLessThan(300);
}

/** `osprey server standalone` and split services on a fresh database of the test server. */
export function sqlBackendE2e(server: SqlTestServer): void {
  const type = server === 'postgres' ? 'postgres' : 'mysql';

  describe(`osprey on ${server}`, () => {
    let database: SqlTestDatabase;
    let dir: string;
    let config: string;
    const processes: OspreyProcess[] = [];
    const start = (name: string, args: string[]) => {
      const p = new OspreyProcess(name, [...args, '--port', '0', '--config', config], { OSPREY_LOGGING_LEVEL: 'info' });
      processes.push(p);
      return p;
    };

    beforeEach(async () => {
      database = await createSqlTestDatabase(server);
      dir = mkdtempSync(join(tmpdir(), `osprey-${server}-e2e-`));
      config = join(dir, 'osprey.yaml');
      // Storage is shared through one folder: the split services run on one machine here.
      writeFileSync(config, `dataDir: ${join(dir, 'data')}\nqueue:\n  type: ${type}\n  url: ${database.url}\n  poolSize: 6\nstorage:\n  type: local\n  basePath: ${join(dir, 'storage')}\n`);
    });

    afterEach(async () => {
      await Promise.all(processes.splice(0).map((p) => p.stop()));
      rmSync(dir, { recursive: true, force: true });
      await database.drop();
    });

    it('osprey migrate applies the schema once, then finds it up to date', async () => {
      const first = await runCli(['migrate', '--config', config]);
      expect(first.code).toBe(0);
      // Every step of the shared schema (repository and queue tables), each named once.
      expect(first.stdout).toContain(`applied ${sqlQueueSchema.length} migration(s)`);
      for (const step of sqlQueueSchema) expect(first.stdout).toContain(step.name);
      const again = await runCli(['migrate', '--config', config]);
      expect(again.stdout.trim()).toBe('schema up to date');
    }, 60_000);

    it('server standalone runs a flow deployed over the API to SUCCESS with its outputs', async () => {
      const standalone = start('standalone', ['server', 'standalone']);
      const api = String((await standalone.waitForLog(/listening on/)).url);
      expect((await httpJson(`${api}/health/ready`)).status).toBe(200);
      await deploy(api, HELLO);
      const run = await httpJson<ExecutionView>(`${api}/api/v1/executions/io.osprey.e2e/hello-sql?wait=true`, { method: 'POST' });
      expect(run.body.state.current).toBe('SUCCESS');
      expect(run.body.taskRunList.find((t) => t.taskId === 'greet')?.outputs).toEqual({ value: 'hello world' });
      expect(run.body.outputs).toEqual({ greeting: 'hello world' });
      // Read back through the repository on the same database: task runs are searchable rows.
      const stored = await httpJson<ExecutionView>(`${api}/api/v1/executions/${run.body.id}`);
      expect(stored.body.taskRunList.map((t) => [t.taskId, t.state.current])).toEqual([
        ['greet', 'SUCCESS'],
        ['log', 'SUCCESS'],
      ]);
    }, 60_000);

    it('answers 503 with a JSON body while the database cannot be reached, and 200 again once it can', async () => {
      // Through a relay that the test closes: the shared test server stays up for the other suites.
      const target = new URL(database.url);
      let proxy = await TcpProxy.start(target.hostname, Number(target.port));
      const port = proxy.port;
      writeFileSync(config, `dataDir: ${join(dir, 'data')}\nqueue:\n  type: ${type}\n  url: ${proxy.rewrite(database.url)}\n  poolSize: 2\n  connectTimeoutMs: 2000\nstorage:\n  type: local\n  basePath: ${join(dir, 'storage')}\n`);
      const web = start('webserver', ['webserver']);
      const api = String((await web.waitForLog(/listening on/)).url);
      expect((await httpJson(`${api}/api/v1/flows/search`)).status).toBe(200);

      await proxy.close();
      for (const path of ['/api/v1/flows/search', '/api/v1/executions/search', '/api/v1/flows/io.osprey.e2e/hello-sql']) {
        const answer = await httpJson<{ message: string }>(`${api}${path}`);
        expect([path, answer.status]).toEqual([path, 503]);
        expect(answer.body.message).toMatch(/unavailable/);
      }
      const created = await httpJson<{ message: string }>(`${api}/api/v1/flows`, { method: 'POST', headers: { 'content-type': 'application/x-yaml' }, body: HELLO });
      expect(created.status).toBe(503);

      proxy = await TcpProxy.start(target.hostname, Number(target.port), port);
      try {
        await eventually('the API to answer again', async () => ((await httpJson(`${api}/api/v1/flows/search`)).status === 200 ? true : undefined), 30_000, 250);
      } finally {
        await proxy.close();
      }
    }, 90_000);

    it('webserver, executor and two workers as separate processes run 20 ForEach executions to SUCCESS', async () => {
      const web = start('webserver', ['webserver']);
      start('executor', ['executor']);
      start('worker-1', ['worker']);
      start('worker-2', ['worker']);
      const api = String((await web.waitForLog(/listening on/)).url);
      await Promise.all(processes.map((p) => p.waitForLog(/osprey services started/)));
      await deploy(api, FOR_EACH);
      const ids: string[] = [];
      for (let i = 0; i < 20; i++) {
        const created = await httpJson<ExecutionView>(`${api}/api/v1/executions/io.osprey.e2e/foreach-sql`, { method: 'POST' });
        expect(created.status).toBeLessThan(300);
        ids.push(created.body.id);
      }
      const finished = await eventually(
        'all executions to end',
        async () => {
          // The executor stores an execution once it took its start event: until then the API answers 404.
          const answers = await Promise.all(ids.map(async (id) => await httpJson<ExecutionView>(`${api}/api/v1/executions/${id}`)));
          const unexpected = answers.find((a) => a.status !== 200 && a.status !== 404);
          if (unexpected) throw new Error(`GET execution answered ${unexpected.status}: ${JSON.stringify(unexpected.body)}`);
          const views = answers.map((a) => a.body);
          return answers.every((a) => a.status === 200 && ['SUCCESS', 'FAILED', 'KILLED', 'WARNING'].includes(a.body.state.current)) ? views : undefined;
        },
        60_000,
        250,
      );
      expect(finished.map((v) => v.state.current)).toEqual(ids.map(() => 'SUCCESS'));
      for (const view of finished) {
        const items = view.taskRunList.filter((t) => t.taskId === 'item');
        expect(items.map((t) => t.outputs?.value).sort()).toEqual(['item a', 'item b', 'item c', 'item d']);
      }
      // Both workers took part: the jobs were competed for through SKIP LOCKED, not handed to one process.
      const workerIds = new Set(finished.flatMap((v) => v.taskRunList.flatMap((t) => (t.attempts ?? []).map((a) => a.workerId))).filter(Boolean));
      expect(workerIds.size).toBe(2);
    }, 120_000);
  });
}
