import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { eventually, httpJson } from './support/osprey-process.js';
import { Cluster, deployFlow, type ServiceProcess } from './scale/cluster.js';
import { kafkaOpenSearchYaml, testServerVariable } from './support/test-servers.js';

/**
 * Worker groups across processes, on each way jobs reach workers: SQLite, SQLite with worker jobs on Redis (BullMQ),
 * and Kafka (+ OpenSearch, with an indexer). Webserver, executor, a worker of no group and, later, a worker started
 * with `--worker-group gpu`. A task of group gpu waits (saying so in the execution's logs) until the gpu worker is up
 * and then runs there, never on the other worker; a task whose group has no worker and `fallback: FAIL` fails.
 */
interface TaskRunView {
  taskId: string;
  state: { current: string };
  attempts: { state: { current: string }; workerId?: string }[];
}
interface ExecutionView {
  id: string;
  state: { current: string };
  taskRunList: TaskRunView[];
}

const GROUPED = `id: grouped
namespace: io.osprey.e2e
tasks:
  - id: plain
    type: io.kestra.plugin.core.log.Log
    message: anywhere
  - id: gpu
    type: io.kestra.plugin.core.debug.Return
    format: on the gpu worker
    workerGroup:
      key: gpu
  - id: after
    type: io.kestra.plugin.core.log.Log
    message: back on a worker of no group
`;

const FAILING = `id: no-worker
namespace: io.osprey.e2e
tasks:
  - id: nobody
    type: io.kestra.plugin.core.log.Log
    message: never runs
    workerGroup:
      key: nobody
      fallback: FAIL
`;

const ENDED = new Set(['SUCCESS', 'FAILED', 'KILLED', 'WARNING']);


interface GroupBackend {
  name: string;
  server: string;
  /** The queue and repository sections; `prefix` keeps the run's topics, keys and indices apart. */
  yaml: (dir: string, prefix: string) => string;
  /** Kafka: executions and logs reach the API through an indexer. */
  indexer?: boolean;
}

const BACKENDS: GroupBackend[] = [
  { name: 'SQLite', server: 'sqlite', yaml: (dir) => `queue:\n  type: sqlite\n  path: ${join(dir, 'osprey.db')}\n` },
  {
    name: 'SQLite with worker jobs on Redis',
    server: 'redis',
    yaml: (dir, prefix) => `queue:\n  type: sqlite\n  path: ${join(dir, 'osprey.db')}\nworkerQueue:\n  type: redis\n  url: ${testServerVariable('OSPREY_TEST_REDIS_URL')}\n  prefix: ${prefix}\n`,
  },
  {
    name: 'Kafka + OpenSearch',
    server: 'kafka',
    indexer: true,
    yaml: (_dir, prefix) => kafkaOpenSearchYaml(prefix),
  },
];

describe.each(BACKENDS)('worker groups, with separate worker processes on $name', (backend) => {
  let cluster: Cluster | undefined;
  let dir: string;

  afterAll(async () => {
    await cluster?.destroy();
    rmSync(dir, { recursive: true, force: true });
  }, 120_000);

  it('runs a grouped task only on the worker of its group, waiting for it with a log line, and fails one whose group has no worker with fallback FAIL', async () => {
    dir = mkdtempSync(join(tmpdir(), 'osprey-worker-group-'));
    const prefix = `wg-${process.pid}-${Date.now().toString(36)}`;
    cluster = await Cluster.withBackend(backend.server, 'worker-group', backend.yaml(dir, prefix), async () => undefined);
    // Generous: up to five Node processes starting together on a loaded 2-core machine.
    const START_MS = 240_000;
    const [web, , plainWorker] = await Promise.all([
      cluster.start('webserver', 'webserver', START_MS),
      cluster.start('executor', 'executor', START_MS),
      cluster.start('worker', 'worker-plain', START_MS),
      ...(backend.indexer ? [cluster.start('indexer', 'indexer', START_MS)] : []),
    ]);
    const api = web!.url;
    await deployFlow(api, GROUPED);
    await deployFlow(api, FAILING);

    const run = await httpJson<ExecutionView>(`${api}/api/v1/executions/io.osprey.e2e/grouped`, { method: 'POST' });
    expect(run.status).toBe(200);
    const id = run.body.id;
    const execution = () => httpJson<ExecutionView>(`${api}/api/v1/executions/${id}`).then((response) => response.body);
    // Until the executor stored the execution, the API answers 404 with an error body.
    const logs = () => httpJson<{ message: string; taskId?: string }[]>(`${api}/api/v1/logs/${id}`).then((response) => (Array.isArray(response.body) ? response.body : []));

    // No gpu worker yet: the task waits, and the logs say why.
    await eventually(
      'the grouped task to wait for a worker of its group',
      async () => ((await logs()).some((line) => line.taskId === 'gpu' && line.message === "no worker of group 'gpu' is alive: the task waits for one to take it") ? true : undefined),
      120_000,
      500,
    );
    // The worker of no group is up and polling all along: were the job routed to it, the gpu task would not wait.
    const waiting = await eventually(
      'the plain task to end',
      async () => {
        const body = await execution();
        return body?.taskRunList?.find((r) => r.taskId === 'plain' && r.state.current === 'SUCCESS') ? body : undefined;
      },
      120_000,
      500,
    );
    expect(waiting.taskRunList.find((r) => r.taskId === 'gpu')?.state.current).toBe('CREATED');
    expect(waiting.state.current).toBe('RUNNING');

    const gpuWorker: ServiceProcess = await cluster.start('worker', 'worker-gpu', START_MS, ['--worker-group', 'gpu']);
    const ended = await eventually(
      'the execution to end',
      async () => {
        const body = await execution();
        return ENDED.has(body?.state?.current ?? '') && body.taskRunList.length > 0 && body.taskRunList.every((r) => ENDED.has(r.state.current)) ? body : undefined;
      },
      240_000,
      500,
    );
    expect(ended.state.current).toBe('SUCCESS');
    const ranOn = (taskId: string) => ended.taskRunList.find((r) => r.taskId === taskId)!.attempts.map((a) => a.workerId ?? '');
    const pidOf = (service: ServiceProcess) => `-${service.process.pid}-`;
    expect(ranOn('gpu')).toHaveLength(1);
    expect(ranOn('gpu')[0]).toContain(pidOf(gpuWorker));
    expect(ranOn('plain')[0]).toContain(pidOf(plainWorker!));
    expect(ranOn('after')[0]).toContain(pidOf(plainWorker!));

    const failing = await httpJson<ExecutionView>(`${api}/api/v1/executions/io.osprey.e2e/no-worker`, { method: 'POST' });
    expect(failing.status).toBe(200);
    const failed = await eventually(
      'the execution without a worker of its group to end',
      async () => {
        const body = await httpJson<ExecutionView>(`${api}/api/v1/executions/${failing.body.id}`).then((response) => response.body);
        return ENDED.has(body?.state?.current ?? '') ? body : undefined;
      },
      120_000,
      500,
    );
    expect(failed.state.current).toBe('FAILED');
    // On Kafka logs reach the search server through the indexer on their own, maybe after the execution.
    const failure = "no worker of group 'nobody' is alive: the task fails (workerGroup.fallback FAIL)";
    await eventually(
      'the failure to be logged',
      async () => {
        const { body } = await httpJson<{ message: string }[]>(`${api}/api/v1/logs/${failing.body.id}`);
        return Array.isArray(body) && body.some((line) => line.message === failure) ? true : undefined;
      },
      120_000,
      500,
    );
  }, 900_000);
});
