import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createSqlTestDatabase } from '@osprey/sql/testing';
import { eventually, httpJson } from './support/osprey-process.js';
import { Cluster, type ServiceProcess } from './scale/cluster.js';

/**
 * A worker dies in the middle of a long task: the job's lease expires and the other worker runs it again, as a
 * new attempt (the dead worker's attempt ends KILLED and `taskrun.attemptsCount` is 1 in the re-run), on every
 * worker-job queue: SQLite, PostgreSQL, MariaDB, Redis (BullMQ) and Kafka. Webserver, executor and two workers
 * (plus an indexer on Kafka) are separate processes.
 */
interface TaskRunView {
  taskId: string;
  state: { current: string };
  outputs?: Record<string, unknown>;
  attempts: { state: { current: string }; workerId?: string }[];
}
interface ExecutionView {
  id: string;
  state: { current: string };
  taskRunList: TaskRunView[];
}

const FLOW = `id: long-shell
namespace: io.osprey.e2e
tasks:
  - id: before
    type: io.kestra.plugin.core.log.Log
    message: starting
  - id: long
    type: io.kestra.plugin.scripts.shell.Commands
    commands:
      - echo '::{"outputs":{"attemptsCount":"{{ taskrun.attemptsCount }}"}}::'
      - "{% if taskrun.attemptsCount == 0 %}sleep 120{% else %}true{% endif %}"
  - id: after
    type: io.kestra.plugin.core.debug.Return
    format: "{{ outputs.long.vars.attemptsCount }}"
`;

type Backend = { name: string; open: () => Promise<{ yaml: string; drop: () => Promise<void>; indexer?: boolean }> };

function required(name: string): string {
  const value = process.env[name];
  if (!value) throw new Error(`${name} is not set: run through \`npm test\`, which starts the test servers (scripts/servers)`);
  return value;
}

const unique = () => `failover-${process.pid}-${Date.now().toString(36)}`;
const dirs: string[] = [];

const BACKENDS: Backend[] = [
  {
    name: 'SQLite',
    open: async () => {
      const dir = mkdtempSync(join(tmpdir(), 'osprey-failover-'));
      dirs.push(dir);
      return { yaml: `queue:\n  type: sqlite\n  path: ${join(dir, 'osprey.db')}\n`, drop: async () => undefined };
    },
  },
  {
    name: 'PostgreSQL',
    open: async () => {
      required('OSPREY_TEST_POSTGRES_URL');
      const database = await createSqlTestDatabase('postgres');
      return { yaml: `queue:\n  type: postgres\n  url: ${database.url}\n  poolSize: 4\n`, drop: () => database.drop() };
    },
  },
  {
    name: 'MariaDB',
    open: async () => {
      required('OSPREY_TEST_MYSQL_URL');
      const database = await createSqlTestDatabase('mysql');
      return { yaml: `queue:\n  type: mysql\n  url: ${database.url}\n  poolSize: 4\n`, drop: () => database.drop() };
    },
  },
  {
    name: 'Redis (BullMQ) worker jobs',
    open: async () => {
      const url = required('OSPREY_TEST_REDIS_URL');
      const dir = mkdtempSync(join(tmpdir(), 'osprey-failover-'));
      dirs.push(dir);
      return { yaml: `queue:\n  type: sqlite\n  path: ${join(dir, 'osprey.db')}\nworkerQueue:\n  type: redis\n  url: ${url}\n  prefix: ${unique()}\n`, drop: async () => undefined };
    },
  },
  {
    name: 'Kafka + OpenSearch',
    open: async () => {
      const brokers = required('OSPREY_TEST_KAFKA_BROKERS');
      const search = required('OSPREY_TEST_OPENSEARCH_URL');
      const prefix = unique();
      const yaml = `queue:\n  type: kafka\n  brokers: ${brokers}\n  topicPrefix: ${prefix}\n  partitions: 2\nrepository:\n  type: opensearch\n  url: ${search}\n  indexPrefix: ${prefix}\n`;
      return { yaml, drop: async () => undefined, indexer: true };
    },
  },
];

afterAll(() => {
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
});

describe.each(BACKENDS)('a worker killed while it runs a task, on $name', (backend) => {
  let cluster: Cluster | undefined;

  afterAll(async () => {
    await cluster?.destroy();
  }, 300_000);

  it('hands the job to the other worker as a new attempt: the first ends KILLED, the re-run sees attemptsCount 1 and succeeds', async () => {
    const opened = await backend.open();
    cluster = await Cluster.withBackend(backend.name.split(' ')[0]!.toLowerCase(), 'failover', opened.yaml, opened.drop);
    const starting: Promise<ServiceProcess>[] = [
      cluster.start('webserver', 'webserver', 120_000),
      cluster.start('executor', 'executor', 120_000),
      cluster.start('worker', 'worker-1', 120_000),
      cluster.start('worker', 'worker-2', 120_000),
    ];
    if (opened.indexer) starting.push(cluster.start('indexer', 'indexer', 120_000));
    const [web] = await Promise.all(starting);
    const api = web!.url;
    // A search server still creating its indices answers 503 for a moment (Kafka + OpenSearch): deploy once it takes it.
    await eventually(
      'the flow to be deployed',
      async () => {
        const deployed = await httpJson(`${api}/api/v1/flows`, { method: 'POST', headers: { 'content-type': 'application/x-yaml' }, body: FLOW });
        if (deployed.status !== 200 && deployed.status !== 503) throw new Error(`deploying the flow answered ${deployed.status}`);
        return deployed.status === 200 ? true : undefined;
      },
      120_000,
      1000,
    );
    const created = await eventually(
      'the flow to be accepted',
      async () => {
        const response = await httpJson<ExecutionView>(`${api}/api/v1/executions/io.osprey.e2e/long-shell`, { method: 'POST' });
        return response.status === 200 ? response : undefined;
      },
      60_000,
      500,
    );
    const id = created.body.id;

    const running = await eventually(
      'the long task to run on a worker',
      async () => {
        const { body } = await httpJson<ExecutionView>(`${api}/api/v1/executions/${id}`);
        const long = body?.taskRunList?.find((r) => r.taskId === 'long');
        return long?.attempts[0]?.workerId && long.state.current === 'RUNNING' ? long : undefined;
      },
      120_000,
      500,
    );
    const firstWorkerId = running.attempts[0]!.workerId!;
    const victim = cluster.services.find((s) => s.role === 'worker' && firstWorkerId.includes(`-${s.process.pid}-`));
    expect(victim).toBeDefined();
    await cluster.kill(victim!);

    const ended = await eventually(
      'the execution to end',
      async () => {
        const { body } = await httpJson<ExecutionView>(`${api}/api/v1/executions/${id}`);
        // On Kafka + OpenSearch task runs are documents of their own, indexed apart from the execution: an ended
        // execution can be read before its last task-run update, so wait for those to be ended too.
        const ended = (state?: string) => ['SUCCESS', 'FAILED', 'KILLED', 'WARNING'].includes(state ?? '');
        const settled = ended(body?.state?.current) && body.taskRunList.length > 0 && body.taskRunList.every((r) => ended(r.state.current) && r.attempts.every((a) => ended(a.state.current)));
        return settled ? body : undefined;
      },
      240_000,
      1000,
    );
    expect(ended.state.current).toBe('SUCCESS');
    const long = ended.taskRunList.filter((r) => r.taskId === 'long');
    expect(long).toHaveLength(1);
    expect(long[0]!.attempts.map((a) => a.state.current)).toEqual(['KILLED', 'SUCCESS']);
    expect(long[0]!.attempts[0]!.workerId).toBe(firstWorkerId);
    expect(long[0]!.attempts[1]!.workerId).not.toBe(firstWorkerId);
    expect(long[0]!.outputs).toMatchObject({ vars: { attemptsCount: '1' } });
    expect(ended.taskRunList.find((r) => r.taskId === 'after')?.outputs).toMatchObject({ value: '1' });
    expect(ended.taskRunList.map((r) => r.taskId)).toEqual(['before', 'long', 'after']);
  }, 600_000);
});
