/// <reference types="jest" />
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createSqlTestDatabase, type SqlTestServer } from '@osprey/sql/testing';
import { httpJson, OspreyProcess } from '../support/osprey-process.js';

export type Role = 'webserver' | 'executor' | 'worker' | 'scheduler' | 'indexer';

/** Short leases and heartbeats so that takeovers after a SIGKILL happen within seconds. */
export const FAST_FAILOVER = {
  executor: { leaseMs: 3000 },
  worker: { leaseMs: 3000, concurrency: 16 },
  scheduler: { leaseMs: 3000, tickMs: 500 },
  instance: { heartbeatMs: 1000, deadAfterMs: 3000 },
} as const;

export interface ServiceProcess {
  name: string;
  role: Role;
  process: OspreyProcess;
  /** `http://host:port` of the process (every service serves health and metrics; the webserver also the API). */
  url: string;
}

/**
 * Osprey services as separate `osprey <service>` processes on one fresh database of a test server, sharing a
 * storage (S3 when `OSPREY_TEST_S3_*` is set, else a local folder in a shared temp dir): the medium deployment.
 */
export class Cluster {
  readonly services: ServiceProcess[] = [];
  private constructor(
    readonly server: string,
    private readonly drop: () => Promise<void>,
    private readonly dir: string,
    readonly config: string,
    readonly storage: 'local' | 's3',
    private readonly bucket?: string,
  ) {}

  static async create(server: SqlTestServer, label: string): Promise<Cluster> {
    const database = await createSqlTestDatabase(server);
    const backend = `queue:\n  type: ${server === 'postgres' ? 'postgres' : 'mysql'}\n  url: ${database.url}\n  poolSize: 4\n`;
    return Cluster.withBackend(server, label, backend, () => database.drop());
  }

  /** A cluster on any backend: `backend` holds the YAML of its queue/repository sections, `drop` removes its data. */
  static async withBackend(server: string, label: string, backend: string, drop: () => Promise<void>): Promise<Cluster> {
    const dir = mkdtempSync(join(tmpdir(), `osprey-${label}-${server}-`));
    const config = join(dir, 'osprey.yaml');
    const s3 = process.env.OSPREY_TEST_S3_ENDPOINT && process.env.OSPREY_TEST_S3_ACCESS_KEY && process.env.OSPREY_TEST_S3_SECRET_KEY;
    const bucket = s3 ? `osprey-${label}-${server}-${process.pid}-${Date.now().toString(36)}`.toLowerCase().slice(0, 63) : undefined;
    const storage = s3
      ? `storage:\n  type: s3\n  bucket: ${bucket}\n  endpoint: ${process.env.OSPREY_TEST_S3_ENDPOINT}\n  accessKey: ${process.env.OSPREY_TEST_S3_ACCESS_KEY}\n`
      : `storage:\n  type: local\n  basePath: ${join(dir, 'storage')}\n`;
    const sections = Object.entries(FAST_FAILOVER)
      .map(([section, values]) => `${section}:\n${Object.entries(values).map(([k, v]) => `  ${k}: ${v}`).join('\n')}\n`)
      .join('');
    writeFileSync(
      config,
      `dataDir: ${join(dir, 'data')}\n${backend}${storage}${sections}`,
    );
    return new Cluster(server, drop, dir, config, s3 ? 's3' : 'local', bucket);
  }

  /** Starts `osprey <role> --port 0 --config <file> [args]` and resolves once it listens and its services started. */
  async start(role: Role, name: string, timeoutMs = 60_000, args: readonly string[] = []): Promise<ServiceProcess> {
    const env: NodeJS.ProcessEnv = { OSPREY_LOGGING_LEVEL: 'info' };
    if (this.storage === 's3') env.OSPREY_STORAGE_SECRET_KEY = process.env.OSPREY_TEST_S3_SECRET_KEY;
    const process_ = new OspreyProcess(name, [role, '--port', '0', '--config', this.config, ...args], env);
    const service: ServiceProcess = { name, role, process: process_, url: '' };
    this.services.push(service);
    service.url = String((await process_.waitForLog(/listening on/, timeoutMs)).url);
    await process_.waitForLog(/osprey services started/, timeoutMs);
    return service;
  }

  /** SIGKILL: no shutdown step runs, leases and claims are left to expire. */
  async kill(service: ServiceProcess): Promise<void> {
    await service.process.kill('SIGKILL');
  }

  /** Every log line of every process, with the process's name. */
  logLines(): { name: string; line: Record<string, unknown> }[] {
    return this.services.flatMap((s) => s.process.lines.map((line) => ({ name: s.name, line })));
  }

  async destroy(): Promise<void> {
    await Promise.all(this.services.map((s) => s.process.stop()));
    rmSync(this.dir, { recursive: true, force: true });
    await this.drop();
    if (this.bucket) await removeBucket(this.bucket);
  }
}

async function removeBucket(bucket: string): Promise<void> {
  const { Client } = await import('minio');
  const endpoint = new URL(process.env.OSPREY_TEST_S3_ENDPOINT!);
  const client = new Client({
    endPoint: endpoint.hostname,
    port: Number(endpoint.port),
    useSSL: false,
    pathStyle: true,
    region: 'us-east-1',
    accessKey: process.env.OSPREY_TEST_S3_ACCESS_KEY!,
    secretKey: process.env.OSPREY_TEST_S3_SECRET_KEY!,
  });
  if (!(await client.bucketExists(bucket))) return;
  const names: string[] = [];
  for await (const item of client.listObjectsV2(bucket, '', true)) if ((item as { name?: string }).name) names.push((item as { name: string }).name);
  if (names.length > 0) await client.removeObjects(bucket, names);
  await client.removeBucket(bucket);
}

export async function deployFlow(api: string, source: string): Promise<void> {
  const deployed = await httpJson(`${api}/api/v1/flows`, { method: 'POST', headers: { 'content-type': 'application/x-yaml' }, body: source });
  expect(deployed.status).toBe(200);
}

export interface ExecutionSummary {
  id: string;
  namespace: string;
  flowId: string;
  state: { current: string; startDate?: string; endDate?: string };
  scheduleDate?: string;
  trigger?: { id: string; variables?: { date?: string } };
}

export interface TaskRunSummary {
  id: string;
  executionId: string;
  taskId: string;
  value?: string;
  state: { current: string };
  attempts?: { state: { current: string }; workerId?: string }[];
}

export async function searchExecutions(api: string, namespace: string, flowId: string): Promise<{ total: number; results: ExecutionSummary[] }> {
  const found = await httpJson<{ total: number; results: ExecutionSummary[] }>(
    `${api}/api/v1/executions/search?namespace=${namespace}&flowId=${flowId}&size=10000`,
  );
  expect(found.status).toBe(200);
  return found.body;
}

export async function searchTaskRuns(api: string, namespace: string, flowId: string, state?: string): Promise<{ total: number; results: TaskRunSummary[] }> {
  const found = await httpJson<{ total: number; results: TaskRunSummary[] }>(
    `${api}/api/v1/taskruns/search?namespace=${namespace}&flowId=${flowId}&size=10000${state ? `&state=${state}` : ''}`,
  );
  expect(found.status).toBe(200);
  return found.body;
}

export const seconds = (ms: number): string => `${(ms / 1000).toFixed(1)} s`;

/** The states an execution ends in. */
export const ENDED_STATES: ReadonlySet<string> = new Set(['SUCCESS', 'WARNING', 'FAILED', 'KILLED', 'CANCELLED']);

/** The value of a gauge or counter without labels in a service's `/metrics` (0 when absent). */
export async function metricValue(service: ServiceProcess, name: string): Promise<number> {
  const text = await (await fetch(`${service.url}/metrics`)).text();
  return Number(new RegExp(`^${name} (\\d+)`, 'm').exec(text)?.[1] ?? 0);
}

/** Runs `count` calls of `fn` with at most `concurrency` in flight. */
export async function pool(count: number, concurrency: number, fn: (i: number) => Promise<void>): Promise<void> {
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(count, concurrency) }, async () => {
      while (next < count) await fn(next++);
    }),
  );
}

/** A ForEach over `values` with one shell task each that sleeps, then prints `ran <value> of <execution id>`. */
export function forEachShellFlow(namespace: string, id: string, values: readonly string[], sleepSeconds: number): string {
  return `id: ${id}
namespace: ${namespace}
tasks:
  - id: each
    type: io.kestra.plugin.core.flow.ForEach
    values: ${JSON.stringify(values)}
    tasks:
      - id: shell
        type: io.kestra.plugin.scripts.shell.Commands
        taskRunner:
          type: io.kestra.plugin.core.runner.Process
        commands:
          - sleep ${sleepSeconds}
          - echo "ran {{ taskrun.value }} of {{ execution.id }}"
`;
}

/** A flow with a Schedule trigger that logs the date it fired for. */
export function scheduledFlow(namespace: string, id: string, cron: string, withSeconds = false): string {
  return `id: ${id}
namespace: ${namespace}
tasks:
  - id: hello
    type: io.kestra.plugin.core.log.Log
    message: "fired for {{ trigger.date }}"
triggers:
  - id: schedule
    type: io.kestra.plugin.core.trigger.Schedule
    cron: "${cron}"${withSeconds ? '\n    withSeconds: true' : ''}
`;
}
