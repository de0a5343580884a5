import { startDeployment, TOPOLOGIES, type Deployment } from '../support/deployment.js';
import { httpJson } from '../support/osprey-process.js';

/** Basic auth and API tokens configured through the environment: every API path needs them, health and metrics do not. */

const USER = 'operator';
const PASSWORD = 'correct horse battery';
const TOKEN = 'osprey-ci-token-0123456789abcdef';
const BASIC = `Basic ${Buffer.from(`${USER}:${PASSWORD}`).toString('base64')}`;

describe.each(TOPOLOGIES)('API auth (%s)', (topology) => {
  let deployment: Deployment;
  let api: string;

  beforeAll(async () => {
    deployment = await startDeployment(topology, { env: { OSPREY_AUTH_USERNAME: USER, OSPREY_AUTH_PASSWORD: PASSWORD, OSPREY_AUTH_TOKENS: `other-token-aaaaaaaaaaaaaaaa,${TOKEN}` } });
    api = deployment.api;
  }, 60_000);
  afterAll(async () => {
    await deployment?.stop();
  });

  it('answers 401 with a JSON body on every path of the OpenAPI document without credentials', async () => {
    const document = await httpJson<{ paths: Record<string, Record<string, unknown>> }>(`${api}/api/v1/openapi.json`, { headers: { authorization: `Bearer ${TOKEN}` } });
    expect(document.status).toBe(200);
    const apiPaths = Object.entries(document.body.paths).filter(([path]) => path.startsWith('/api/'));
    expect(apiPaths.length).toBeGreaterThan(30);
    let checked = 0;
    for (const [path, operations] of apiPaths) {
      const url = `${api}${path.replace(/\{[^}]+\}/g, 'x')}`;
      for (const method of Object.keys(operations)) {
        const answer = await fetch(url, { method: method.toUpperCase(), headers: { 'content-type': 'application/json' }, body: ['get', 'head'].includes(method) ? undefined : '{}' });
        expect({ method, path, status: answer.status }).toEqual({ method, path, status: 401 });
        expect(answer.headers.get('www-authenticate')).toMatch(/Basic realm="osprey".*Bearer/);
        if (method !== 'head') expect(await answer.json()).toEqual({ message: expect.stringMatching(/authentication required/) });
        checked++;
      }
    }
    expect(checked).toBeGreaterThan(40);
  });

  it('refuses wrong passwords, unknown tokens, unknown paths and any letter case', async () => {
    const wrong = `Basic ${Buffer.from(`${USER}:${PASSWORD}x`).toString('base64')}`;
    for (const authorization of [wrong, 'Bearer not-a-token-0000000000000', `Bearer ${TOKEN}x`, `Token ${TOKEN}`]) {
      const answer = await httpJson<{ message: string }>(`${api}/api/v1/flows/search`, { headers: { authorization } });
      expect(answer).toEqual({ status: 401, body: { message: 'invalid credentials' } });
    }
    expect((await fetch(`${api}/API/V1/flows/search`)).status).toBe(401);
    expect((await fetch(`${api}/api/v1/no/such/endpoint`)).status).toBe(401);
    expect((await fetch(`${api}/api/v1/no/such/endpoint`, { headers: { authorization: `Bearer ${TOKEN}` } })).status).toBe(404);
  });

  it('checks credentials before reading a body', async () => {
    const answer = await fetch(`${api}/api/v1/flows`, { method: 'POST', headers: { 'content-type': 'application/x-yaml' }, body: 'x'.repeat(5 * 1024 * 1024) });
    expect(answer.status).toBe(401);
  });

  it('serves the API with basic credentials or a token', async () => {
    const flow = 'id: guarded\nnamespace: io.osprey.auth\ntasks:\n  - id: t\n    type: io.kestra.plugin.core.debug.Return\n    format: ok\n';
    const deployed = await httpJson(`${api}/api/v1/flows`, { method: 'POST', headers: { authorization: BASIC, 'content-type': 'application/x-yaml' }, body: flow });
    expect(deployed.status).toBe(200);
    const run = await httpJson<{ state: { current: string } }>(`${api}/api/v1/executions/io.osprey.auth/guarded?wait=true`, { method: 'POST', headers: { authorization: `Bearer ${TOKEN}` } });
    expect(run.body.state.current).toBe('SUCCESS');
    const configs = await httpJson<{ isBasicAuthEnabled: boolean }>(`${api}/api/v1/configs`, { headers: { authorization: `bearer ${TOKEN}` } });
    expect(configs.body.isBasicAuthEnabled).toBe(true);
    expect(JSON.stringify(configs.body)).not.toContain(PASSWORD);
  });

  it('keeps health and metrics open', async () => {
    expect((await fetch(`${api}/health/live`)).status).toBe(200);
    expect((await fetch(`${api}/health/ready`)).status).toBe(200);
    const metrics = await fetch(`${api}/metrics`);
    expect(metrics.status).toBe(200);
    expect(await metrics.text()).toContain('# HELP');
  });
});
