import { startDeployment, type Deployment } from '../support/deployment.js';
import { httpJson } from '../support/osprey-process.js';

/**
 * Every endpoint checks its query string against the parameters its OpenAPI operation declares, before it acts: an
 * unknown parameter, a parameter of Kestra's API that Osprey does not honour, a repeated single parameter or a value of
 * the wrong type is a 400 whose JSON body names it. A webhook alone takes any parameter (the flow reads them).
 */

interface ErrorView {
  message: string;
  field?: string;
}

const FLOW = `id: hello
namespace: io.osprey.params
triggers:
  - id: hook
    type: io.kestra.plugin.core.trigger.Webhook
    key: secret-key
tasks:
  - id: hello
    type: io.kestra.plugin.core.log.Log
    message: "hello {{ trigger.parameters.who ?? 'nobody' }}"
`;

describe('query parameters API (local)', () => {
  let deployment: Deployment;
  let api: string;
  const v1 = (path: string) => `${api}/api/v1${path}`;
  const call = <T = ErrorView>(method: string, path: string, init: RequestInit = {}) => httpJson<T>(v1(path), { method, ...init });

  const expect400 = (answer: { status: number; body: unknown }, field: string, message: RegExp) => {
    expect(answer.status).toBe(400);
    expect(answer.body).toEqual(expect.objectContaining({ field, message: expect.stringMatching(message) }));
  };

  let executionId: string;

  beforeAll(async () => {
    deployment = await startDeployment('local');
    api = deployment.api;
    const created = await call('POST', '/flows', { headers: { 'content-type': 'application/x-yaml' }, body: FLOW });
    expect(created.status).toBe(200);
    const started = await call<{ id: string }>('POST', '/executions/io.osprey.params/hello?wait=true');
    expect(started.status).toBe(200);
    executionId = started.body.id;
  }, 60_000);

  afterAll(async () => {
    await deployment?.stop();
  });

  it('answers 400 naming an unknown query parameter on endpoints that are not searches, and does nothing', async () => {
    const unknown = /unknown query parameter "colour"; this endpoint takes/;
    for (const [method, path] of [
      ['GET', `/executions/${executionId}`],
      ['GET', '/flows/io.osprey.params/hello'],
      ['GET', '/flows/io.osprey.params/hello/revisions'],
      ['GET', `/logs/${executionId}`],
      ['GET', '/configs'],
      ['GET', '/plugins'],
      ['POST', `/executions/${executionId}/restart`],
      // A route served at two paths checks its parameters at both, and under the tenant path too.
      ['POST', `/executions/${executionId}/actions/restart`],
      ['POST', `/main/executions/${executionId}/actions/replay`],
      ['DELETE', `/executions/${executionId}`],
      ['DELETE', '/flows/io.osprey.params/hello'],
    ] as const) {
      expect400(await call(method, `${path}?colour=red`), 'colour', unknown);
    }
    // The refused deletes deleted nothing.
    expect((await call('GET', `/executions/${executionId}`)).status).toBe(200);
    expect((await call('GET', '/flows/io.osprey.params/hello')).status).toBe(200);
    // Health and metrics are routes like the others.
    expect400(await httpJson(`${api}/health/live?colour=red`), 'colour', unknown);
    // A bracketed key is no way around it.
    expect400(await call('GET', `/executions/${executionId}?colour[x]=red`), 'colour[x]', /unknown query parameter/);
  });

  it("names the reason for a parameter of Kestra's API that Osprey does not honour", async () => {
    expect400(await call('DELETE', `/executions/${executionId}?deleteMetrics=false`), 'deleteMetrics', /deleteMetrics=false is not supported: a task run's metrics are stored in the execution/);
    expect400(await call('POST', '/executions/io.osprey.params/hello?scheduleDate=2030-01-01T00:00:00Z'), 'scheduleDate', /not supported: executions start at once/);
    expect400(await call('GET', `/logs/${executionId}?filters[level][EQUALS]=INFO`), 'filters[level][EQUALS]', /not supported: this endpoint filters with minLevel/);
    expect400(await call('GET', '/namespaces/search?existing=true'), 'existing', /not supported/);
    expect400(await call('GET', '/plugins?page=1'), 'page', /not supported: the plugin list is answered whole/);
    expect((await call('GET', `/executions/${executionId}`)).status).toBe(200);
  });

  it('answers 400 naming a parameter of the wrong type or given twice', async () => {
    expect400(await call('DELETE', `/executions/${executionId}?deleteLogs=maybe`), 'deleteLogs', /must be true or false, got "maybe"/);
    expect400(await call('GET', `/logs/${executionId}?attempt=first`), 'attempt', /must be an integer, got "first"/);
    expect400(await call('GET', `/logs/${executionId}?minLevel=LOUD`), 'minLevel', /"LOUD" is not one of TRACE, DEBUG, INFO, WARN, ERROR/);
    expect400(await call('GET', '/flows/io.osprey.params/hello?revision=one'), 'revision', /must be an integer/);
    expect400(await call('GET', '/flows/io.osprey.params/hello?source=true&source=false'), 'source', /given more than once/);
    expect((await call('GET', `/executions/${executionId}`)).status).toBe(200);
  });

  it('still takes the declared parameters, and lets a webhook take any', async () => {
    expect((await call('GET', `/logs/${executionId}?minLevel=info&attempt=1`)).status).toBe(200);
    const hooked = await call<{ id: string; trigger: { variables: { parameters: Record<string, unknown> } } }>('GET', '/executions/webhook/io.osprey.params/hello/secret-key?who=world&colour=red');
    expect(hooked.status).toBe(200);
    expect(hooked.body.trigger.variables.parameters).toEqual({ who: 'world', colour: 'red' });
  });
});
