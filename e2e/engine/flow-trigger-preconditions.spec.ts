import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { eventually, httpJson, OspreyProcess } from '../support/osprey-process.js';

/**
 * A Flow trigger whose preconditions list two upstream flows fires once both ended within the window, once, with
 * the execution that completed them as its trigger; the partial result survives a restart (it is stored with the
 * executor's decision). A one-flow trigger on each upstream tells when the executor has handled that upstream's end.
 */
const NS = 'io.osprey.preconditions';
const upstream = (id: string) => `id: ${id}
namespace: ${NS}
tasks:
  - id: work
    type: io.kestra.plugin.core.debug.Return
    format: "${id} done"
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
`;
const sentinel = (upstreamId: string) => `id: after-${upstreamId}
namespace: ${NS}
tasks:
  - id: noted
    type: io.kestra.plugin.core.log.Log
    message: noted
triggers:
  - id: on-${upstreamId}
    type: io.kestra.plugin.core.trigger.Flow
    preconditions:
      id: one
      flows:
        - namespace: ${NS}
          flowId: ${upstreamId}
`;

interface ExecutionView {
  id: string;
  state: { current: string };
  trigger?: { id: string; variables: Record<string, unknown> };
  taskRunList: { taskId: string; outputs?: Record<string, unknown> }[];
}

describe('Flow trigger preconditions on two upstream flows (osprey server local, SQLite)', () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'osprey-preconditions-'));
  let server: OspreyProcess | undefined;
  let api = '';
  const start = async () => {
    server = new OspreyProcess('server', ['server', 'local', '--port', '0', '--data-dir', dataDir]);
    api = String((await server.waitForLog(/listening on/, 60_000)).url);
  };
  const executionsOf = async (flowId: string) =>
    (await httpJson<{ results: ExecutionView[]; total: number }>(`${api}/api/v1/executions/search?namespace=${NS}&flowId=${flowId}&size=20`)).body.results;
  const countReaches = (flowId: string, count: number) =>
    eventually(`${count} execution(s) of ${flowId}`, async () => {
      const found = await executionsOf(flowId);
      return found.length === count ? found : undefined;
    }, 60_000);
  const run = async (flowId: string) => {
    const ran = await httpJson<ExecutionView>(`${api}/api/v1/executions/${NS}/${flowId}?wait=true`, { method: 'POST' });
    expect(ran.body.state.current).toBe('SUCCESS');
    return ran.body;
  };

  beforeAll(async () => {
    await start();
    for (const source of [upstream('up-a'), upstream('up-b'), JOINED, sentinel('up-a'), sentinel('up-b')]) {
      const deployed = await httpJson(`${api}/api/v1/flows`, { method: 'POST', headers: { 'content-type': 'application/x-yaml' }, body: source });
      expect(deployed.status).toBe(200);
    }
  });
  afterAll(async () => {
    await server?.stop();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('waits for the second upstream, across a restart, then fires once with it as trigger', async () => {
    await run('up-a');
    await countReaches('after-up-a', 1);
    // The trigger of after-up-a was evaluated in the same decision as joined's: joined had its chance and waited.
    expect(await executionsOf('joined')).toEqual([]);

    await server!.stop();
    await start();

    const b = await run('up-b');
    await countReaches('after-up-b', 1);
    const [joined] = await countReaches('joined', 1);
    const ended = await eventually('joined to end', async () => {
      const { body } = await httpJson<ExecutionView>(`${api}/api/v1/executions/${joined!.id}`);
      return body?.state?.current === 'SUCCESS' ? body : undefined;
    }, 60_000);
    expect(ended.trigger).toMatchObject({ id: 'both-upstreams', variables: { executionId: b.id, flowId: 'up-b', namespace: NS, state: 'SUCCESS' } });
    expect(ended.taskRunList.find((r) => r.taskId === 'report')?.outputs).toEqual({ value: `after up-b ${b.id}` });
  });

  it('starts over after firing: up-b alone again does not fire', async () => {
    await run('up-b');
    await countReaches('after-up-b', 2);
    expect(await executionsOf('joined')).toHaveLength(1);
  });
});
