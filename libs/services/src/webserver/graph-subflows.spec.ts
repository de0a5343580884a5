import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { INestApplication } from '@nestjs/common';
import type { FlowGraph } from '@osprey/flow-model';
import { loadConfig } from '@osprey/server';
import { startServer } from '../nest/bootstrap.js';

// The graph endpoints' `subflows` parameter through the real HTTP app on embedded SQLite (the executor stores executions).
const NS = 'io.osprey.graphs';
const SUBFLOW_CLUSTER = 'io.kestra.core.models.hierarchies.SubflowGraphCluster';

const subflow = (id: string, flowId: string, extra = '') => `  - id: ${id}\n    type: io.kestra.plugin.core.flow.Subflow\n    namespace: ${NS}\n    flowId: ${flowId}\n${extra}`;
const log = (id: string) => `  - id: ${id}\n    type: io.kestra.plugin.core.log.Log\n    message: hi\n`;
const FLOWS = [
  `id: leaf\nnamespace: ${NS}\ntasks:\n${log('y')}`,
  `id: child\nnamespace: ${NS}\ntasks:\n${log('x')}${subflow('deeper', 'leaf')}`,
  `id: parent\nnamespace: ${NS}\ntasks:\n${subflow('call', 'child')}${subflow('dynamic', '"{{ inputs.target }}"')}${subflow('missing', 'nope')}${log('after')}`,
];

describe('graph endpoints: subflows', () => {
  let dataDir: string;
  let app: INestApplication;
  let url: string;

  const call = async <T>(method: string, path: string, body?: string): Promise<{ status: number; body: T }> => {
    const response = await fetch(`${url}${path}`, { method, ...(body === undefined ? {} : { body, headers: { 'content-type': 'application/x-yaml' } }) });
    return { status: response.status, body: (await response.json()) as T };
  };
  const clusterUids = (graph: FlowGraph, type: string) => graph.clusters.filter((c) => c.cluster.type === type).map((c) => c.cluster.uid);

  beforeAll(async () => {
    dataDir = await mkdtemp(join(tmpdir(), 'osprey-graph-subflows-'));
    const config = loadConfig({ env: {}, overrides: { dataDir, 'server.port': 0, 'server.host': '127.0.0.1', 'logging.level': 'silent' } });
    ({ app, url } = await startServer({ config, roles: ['webserver', 'executor'], service: 'standalone' }));
    for (const source of FLOWS) expect((await call('POST', '/api/v1/flows', source)).status).toBe(200);
  }, 120_000);

  afterAll(async () => {
    await app?.close();
    for (const signal of ['SIGTERM', 'SIGINT'] as const) process.removeAllListeners(signal);
    if (dataDir) await rm(dataDir, { recursive: true, force: true });
  }, 60_000);

  it('expands the listed Subflow nodes into their flow, level by level, on the flow, source and execution graphs', async () => {
    const plain = await call<FlowGraph>('GET', `/api/v1/flows/${NS}/parent/graph`);
    expect(plain.status).toBe(200);
    expect(clusterUids(plain.body, SUBFLOW_CLUSTER)).toEqual([]);

    const one = await call<FlowGraph>('GET', `/api/v1/flows/${NS}/parent/graph?subflows=root.call`);
    expect(one.status).toBe(200);
    expect(clusterUids(one.body, SUBFLOW_CLUSTER)).toEqual(['cluster_root.call']);
    expect(one.body.nodes.map((n) => n.uid)).toEqual(expect.arrayContaining(['root.call.x', 'root.call.deeper']));
    expect(one.body.edges).toContainEqual({ source: 'root.call._end', target: 'root.dynamic', relation: { relationType: 'SEQUENTIAL' } });

    // Kestra's clients repeat the parameter for each uid; the tenant path answers the same.
    const nested = await call<FlowGraph>('GET', `/api/v1/main/flows/${NS}/parent/graph?subflows=root.call&subflows=root.call.deeper`);
    expect(nested.status).toBe(200);
    expect(clusterUids(nested.body, SUBFLOW_CLUSTER)).toEqual(['cluster_root.call', 'cluster_root.call.deeper']);
    expect(nested.body.nodes.map((n) => n.uid)).toContain('root.call.deeper.y');

    const source = await call<FlowGraph>('POST', '/api/v1/flows/graph?subflows=root.call', FLOWS[2]);
    expect(source.status).toBe(200);
    expect(clusterUids(source.body, SUBFLOW_CLUSTER)).toEqual(['cluster_root.call']);

    const created = await call<{ id: string }>('POST', `/api/v1/executions/${NS}/child`);
    expect(created.status).toBe(200);
    // Stored once the executor has taken its creation from the queue.
    for (const deadline = Date.now() + 30_000; (await call('GET', `/api/v1/executions/${created.body.id}`)).status !== 200; ) {
      if (Date.now() > deadline) throw new Error(`execution ${created.body.id} was not stored within 30 s`);
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    const execution = await call<FlowGraph>('GET', `/api/v1/executions/${created.body.id}/graph?subflows=root.deeper`);
    expect(execution.status).toBe(200);
    expect(clusterUids(execution.body, SUBFLOW_CLUSTER)).toEqual(['cluster_root.deeper']);
  }, 60_000);

  it('refuses with a 400 naming subflows what cannot be expanded', async () => {
    const cases: [string, RegExp][] = [
      ['root.after', /root\.after is not a Subflow task/],
      ['root.dynamic', /root\.dynamic cannot be expanded: its namespace, flowId or revision is an expression/],
      ['root.missing', /root\.missing cannot be expanded: its flow io\.osprey\.graphs\.nope does not exist/],
      ['root.nowhere', /no node of the graph has the uid root\.nowhere/],
      // A child's node is found only once its Subflow is expanded too.
      ['root.call.deeper', /no node of the graph has the uid root\.call\.deeper/],
    ];
    for (const [uid, message] of cases) {
      const answer = await call<{ field: string; message: string }>('GET', `/api/v1/flows/${NS}/parent/graph?subflows=${uid}`);
      expect([uid, answer.status, answer.body.field]).toEqual([uid, 400, 'subflows']);
      expect(answer.body.message).toMatch(message);
    }
    expect((await call('POST', '/api/v1/flows/graph?subflows=root.missing', FLOWS[2])).status).toBe(400);
  }, 60_000);
});
