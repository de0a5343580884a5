import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { startDeployment, type Deployment } from '../support/deployment.js';
import { eventually, httpJson } from '../support/osprey-process.js';

/** An io.kestra.plugin.core.http.Trigger polled by the scheduler of `server local`, against a real local endpoint. */
interface ExecutionView {
  id: string;
  state: { current: string };
  trigger?: { id: string; variables?: Record<string, unknown> };
  taskRunList: { taskId: string; outputs?: { value?: unknown } }[];
}
interface TriggerContext {
  triggerId: string;
  disabled: boolean;
}

const NS = 'io.osprey.polling';

describe('HTTP polling trigger (server local)', () => {
  let deployment: Deployment;
  let api: string;
  let server: Server;
  let endpoint: string;

  beforeAll(async () => {
    server = createServer((_req, res) => res.writeHead(200, { 'content-type': 'application/json' }).end('{"price":99}'));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    endpoint = `http://127.0.0.1:${(server.address() as AddressInfo).port}/price`;
    deployment = await startDeployment('local', { env: { OSPREY_SCHEDULER_TICK_MS: '200' } });
    api = deployment.api;
  }, 90_000);

  afterAll(async () => {
    await deployment?.stop();
    await new Promise((resolve) => server.close(resolve));
  });

  it('starts an execution that sees trigger.body when the condition holds, then stopAfter disables the trigger', async () => {
    const flow = `id: price-watch
namespace: ${NS}
tasks:
  - id: price
    type: io.kestra.plugin.core.debug.Return
    format: "{{ json(trigger.body).price }} from {{ trigger.code }}"
triggers:
  - id: poll
    type: io.kestra.plugin.core.http.Trigger
    uri: ${endpoint}
    interval: PT1S
    responseCondition: "{{ json(response.body).price < 100 }}"
    stopAfter: [SUCCESS]
`;
    const deployed = await httpJson(`${api}/api/v1/flows`, { method: 'POST', headers: { 'content-type': 'application/x-yaml' }, body: flow });
    expect(deployed.status).toBe(200);
    const done = await eventually(
      'a SUCCESS execution started by the HTTP trigger',
      async () => {
        const { body } = await httpJson<{ results: ExecutionView[] }>(`${api}/api/v1/executions/search?namespace=${NS}&flowId=price-watch&state=SUCCESS&size=1`);
        return body.results[0];
      },
      60_000,
      250,
    );
    const execution = (await httpJson<ExecutionView>(`${api}/api/v1/executions/${done.id}`)).body;
    expect(execution.trigger).toMatchObject({ id: 'poll', variables: { uri: endpoint, code: 200, body: '{"price":99}' } });
    expect(execution.taskRunList.find((t) => t.taskId === 'price')?.outputs?.value).toBe('99 from 200');
    await eventually(
      'the trigger to be disabled by stopAfter',
      async () => {
        const { body } = await httpJson<{ results: TriggerContext[] }>(`${api}/api/v1/triggers/${NS}/price-watch`);
        return body.results.find((c) => c.triggerId === 'poll' && c.disabled);
      },
      60_000,
      250,
    );
    const all = await httpJson<{ results: ExecutionView[] }>(`${api}/api/v1/executions/search?namespace=${NS}&flowId=price-watch&size=100`);
    expect(all.body.results).toHaveLength(1);
  }, 120_000);
});
