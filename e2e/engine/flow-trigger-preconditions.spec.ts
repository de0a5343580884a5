import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { eventually, httpJson, OspreyProcess } from '../support/osprey-process.js';
import { writeKafkaOpenSearchConfig } from '../support/test-servers.js';

/**
 * A Flow trigger whose preconditions list two upstream flows fires once both ended within the window, once, with
 * the execution that completed them as its trigger; the partial result survives a restart (SQL: stored with the
 * executor's decision; Kafka: in the compacted window topic, written by the owner of the flow's inbox key). A
 * one-flow trigger of the same flow on each upstream tells when the executor has evaluated that flow's triggers
 * for that upstream's end: both triggers of one flow are evaluated together, on every backend.
 */
const NS = 'io.osprey.preconditions';
const upstream = (id: string) => `id: ${id}
namespace: ${NS}
tasks:
  - id: work
    type: io.kestra.plugin.core.debug.Return
    format: "${id} done"
`;
const seen = (upstreamId: string) => `  - id: seen-${upstreamId}
    type: io.kestra.plugin.core.trigger.Flow
    preconditions:
      id: one
      flows:
        - namespace: ${NS}
          flowId: ${upstreamId}
`;
const JOINED = `id: joined
namespace: ${NS}
tasks:
  - id: report
    type: io.kestra.plugin.core.debug.Return
    format: "after {{ trigger.flowId }} {{ trigger.executionId }}"
triggers:
  - id: both-upstreams
    type: io.kestra.plugin.core.trigger.Flow
    preconditions:
      id: both
      flows:
        - namespace: ${NS}
          flowId: up-a
          states: [SUCCESS]
        - namespace: ${NS}
          flowId: up-b
          states: [SUCCESS]
${seen('up-a')}${seen('up-b')}`;

interface ExecutionView {
  id: string;
  state: { current: string };
  trigger?: { id: string; variables: Record<string, unknown> };
  taskRunList: { taskId: string; outputs?: Record<string, unknown> }[];
}

interface Backend {
  name: string;
  /** The CLI arguments of one process running every service; the same arguments restart it on the same store. */
  args(dir: string): string[];
}


const BACKENDS: Backend[] = [
  { name: 'SQLite (server local)', args: (dir) => ['server', 'local', '--data-dir', dir] },
  {
    name: 'Kafka + OpenSearch (server standalone)',
    args: (dir) => {
      const prefix = `pre-${process.pid}-${Date.now().toString(36)}`;
      const config = writeKafkaOpenSearchConfig(dir, prefix);
      return ['server', 'standalone', '--config', config];
    },
  },
];

describe.each(BACKENDS)('Flow trigger preconditions on two upstream flows ($name)', (backend) => {
  let dir: string;
  let args: string[];
  let server: OspreyProcess | undefined;
  let api = '';
  const start = async () => {
    server = new OspreyProcess('server', [...args, '--port', '0']);
    api = String((await server.waitForLog(/listening on/, 60_000)).url);
  };
  const executionsOf = async (triggerId: string) =>
    (await httpJson<{ results: ExecutionView[]; total: number }>(`${api}/api/v1/executions/search?namespace=${NS}&flowId=joined&size=20`)).body.results.filter(
      (e) => e.trigger?.id === triggerId,
    );
  const countReaches = (triggerId: string, count: number) =>
    eventually(`${count} execution(s) of joined by ${triggerId}`, async () => {
      const found = await executionsOf(triggerId);
      return found.length === count ? found : undefined;
    }, 60_000);
  const run = async (flowId: string) => {
    const ran = await httpJson<ExecutionView>(`${api}/api/v1/executions/${NS}/${flowId}?wait=true`, { method: 'POST' });
    expect(ran.body.state.current).toBe('SUCCESS');
    return ran.body;
  };

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'osprey-preconditions-'));
    args = backend.args(dir);
    await start();
    for (const source of [upstream('up-a'), upstream('up-b'), JOINED]) {
      // A search repository still creating its indices answers 503 for a moment: deploy once it takes the flows.
      await eventually(
        'the flow to be deployed',
        async () => {
          const deployed = await httpJson(`${api}/api/v1/flows`, { method: 'POST', headers: { 'content-type': 'application/x-yaml' }, body: source });
          if (deployed.status !== 200 && deployed.status !== 503) throw new Error(`deploying the flow answered ${deployed.status}: ${JSON.stringify(deployed.body)}`);
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
  }, 60_000);

  it('waits for the second upstream, across a restart, then fires once with it as trigger', async () => {
    await run('up-a');
    await countReaches('seen-up-a', 1);
    // joined's triggers were evaluated together for up-a's end: both-upstreams had its chance and waited.
    expect(await executionsOf('both-upstreams')).toEqual([]);

    await server!.stop();
    await start();

    const b = await run('up-b');
    await countReaches('seen-up-b', 1);
    const [joined] = await countReaches('both-upstreams', 1);
    const ended = await eventually('joined to end', async () => {
      const { body } = await httpJson<ExecutionView>(`${api}/api/v1/executions/${joined!.id}`);
      return body?.state?.current === 'SUCCESS' && body.taskRunList.some((r) => r.outputs) ? body : undefined;
    }, 60_000);
    expect(ended.trigger).toMatchObject({ id: 'both-upstreams', variables: { executionId: b.id, flowId: 'up-b', namespace: NS, state: 'SUCCESS' } });
    expect(ended.taskRunList.find((r) => r.taskId === 'report')?.outputs).toEqual({ value: `after up-b ${b.id}` });
  }, 240_000);

  it('starts over after firing: up-b alone again does not fire', async () => {
    await run('up-b');
    await countReaches('seen-up-b', 2);
    expect(await executionsOf('both-upstreams')).toHaveLength(1);
  }, 120_000);
});
