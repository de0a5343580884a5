import { KESTRA_OPERATIONS } from '../../libs/services/src/webserver/kestra-operations.js';
import { startDeployment, type Deployment } from '../support/deployment.js';
import { httpJson } from '../support/osprey-process.js';

/**
 * Every operation of Kestra's API (listed from its generated client) that the OpenAPI document does not declare
 * answers 501 naming it, under both path forms: never a 404, nor a served route whose pattern happens to match.
 */

const normalize = (path: string) => path.replace(/\{[^}]+\}/g, '{}');

describe('Kestra operations Osprey does not serve (local)', () => {
  let deployment: Deployment;
  let api: string;
  let documented: Set<string>;

  beforeAll(async () => {
    deployment = await startDeployment('local');
    api = deployment.api;
    const { body } = await httpJson<{ paths: Record<string, Record<string, unknown>> }>(`${api}/api/v1/openapi.json`);
    documented = new Set(
      Object.entries(body.paths)
        .filter(([path]) => !path.startsWith('/api/v1/{tenant}/'))
        .flatMap(([path, item]) => Object.keys(item).map((method) => `${method.toUpperCase()} ${normalize(path.slice('/api/v1'.length))}`)),
    );
  }, 60_000);
  afterAll(async () => {
    await deployment?.stop();
  });

  it('answers each with 501 and a JSON body naming the operation', async () => {
    const missing = KESTRA_OPERATIONS.filter((o) => !documented.has(`${o.method} ${normalize(o.path)}`));
    expect(missing.length).toBeGreaterThan(100);
    const wrong: string[] = [];
    for (const [i, operation] of missing.entries()) {
      const path = operation.path.replace(/\{[^}]+\}/g, (name) => (name === '{namespace}' ? 'io.osprey.unserved' : `x${name.length}`));
      const prefix = i % 2 === 0 ? '/api/v1' : '/api/v1/main';
      const init: RequestInit = { method: operation.method };
      if (['POST', 'PUT', 'PATCH'].includes(operation.method)) Object.assign(init, { headers: { 'content-type': 'application/json' }, body: '{}' });
      const answer = await httpJson<{ message?: string; feature?: string }>(`${api}${prefix}${path}`, init);
      // Kestra's client lists a few paths twice (with and without the tenant, under two names): either name will do.
      const names = KESTRA_OPERATIONS.filter((o) => o.method === operation.method && normalize(o.path) === normalize(operation.path)).map((o) => o.operation);
      if (answer.status !== 501 || !names.some((name) => answer.body.feature?.startsWith(`${name} (`))) {
        wrong.push(`${operation.method} ${prefix}${path}: ${answer.status} ${JSON.stringify(answer.body)}`);
      }
    }
    expect(wrong).toEqual([]);
  }, 120_000);

  it('still routes what Osprey serves, and 404s what neither serves', async () => {
    expect((await httpJson(`${api}/api/v1/main/flows/search`)).status).toBe(200);
    expect((await httpJson(`${api}/api/v1/main/namespaces/io.osprey.unserved/files/search?q=x`)).status).toBe(200);
    expect((await httpJson(`${api}/api/v1/nothing/here`)).status).toBe(404);
  });
});
