import { Validator } from '@seriousme/openapi-schema-validator';
import { startDeployment, TOPOLOGIES, type Deployment } from '../support/deployment.js';
import { httpJson } from '../support/osprey-process.js';

/**
 * The OpenAPI document is generated from the controllers: it must validate, and list every route the webserver
 * serves (as NestJS logs them at start) with a summary and a success answer, so an endpoint added without its
 * documentation fails here.
 */

interface Operation {
  operationId?: string;
  summary?: string;
  responses?: Record<string, unknown>;
}
interface OpenApiDocument {
  openapi: string;
  info: { title: string; version: string };
  paths: Record<string, Record<string, Operation>>;
  components?: { securitySchemes?: Record<string, unknown> };
}

const METHODS = ['get', 'put', 'post', 'delete', 'patch', 'options', 'head'];

describe.each(TOPOLOGIES)('OpenAPI document (%s)', (topology) => {
  let deployment: Deployment;
  let document: OpenApiDocument;

  beforeAll(async () => {
    // Debug level: NestJS logs every route it maps ("Mapped {/api/v1/flows, POST} route").
    deployment = await startDeployment(topology, { env: { OSPREY_LOGGING_LEVEL: 'debug' } });
    const answer = await httpJson<OpenApiDocument>(`${deployment.api}/api/v1/openapi.json`);
    expect(answer.status).toBe(200);
    document = answer.body;
  }, 60_000);
  afterAll(async () => {
    await deployment?.stop();
  });

  it('is a valid OpenAPI document', async () => {
    const result = await new Validator().validate(document as never);
    expect(result.errors).toBeUndefined();
    expect(result.valid).toBe(true);
    expect(document.info).toMatchObject({ title: 'Osprey API', version: expect.stringMatching(/^\d+\.\d+\.\d+/) });
    expect(Object.keys(document.components?.securitySchemes ?? {}).sort()).toEqual(['basicAuth', 'bearerAuth']);
  });

  it('lists every route the webserver serves, each with a summary, a success answer and a unique operation id', () => {
    const web = deployment.processes[0]!;
    const routes = web.lines
      .map((line) => /^Mapped \{(.+), (\w+)\} route/.exec(String(line.msg)))
      .filter((m): m is RegExpExecArray => m !== null)
      .map(([, path, method]) => ({ path: path!.replace(/:([A-Za-z0-9_]+)/g, '{$1}'), method: method!.toLowerCase() }));
    expect(routes.length).toBeGreaterThan(40);
    const missing: string[] = [];
    for (const { path, method } of routes) {
      const operations = document.paths[path] ?? {};
      const documented = method === 'all' ? ['get', 'post', 'put'].every((m) => operations[m]) : operations[method];
      if (!documented) missing.push(`${method.toUpperCase()} ${path}`);
    }
    expect(missing).toEqual([]);

    const undocumented: string[] = [];
    const ids = new Set<string>();
    for (const [path, operations] of Object.entries(document.paths)) {
      if (!path.startsWith('/api/')) continue;
      for (const [method, operation] of Object.entries(operations)) {
        if (!METHODS.includes(method)) continue;
        // A Kestra endpoint for a feature Osprey does not have answers only 501, naming it.
        const success = Object.keys(operation.responses ?? {}).some((status) => /^2\d\d$|^501$/.test(status));
        if (!operation.summary || !success) undocumented.push(`${method.toUpperCase()} ${path}`);
        expect(ids.has(operation.operationId!)).toBe(false);
        ids.add(operation.operationId!);
      }
    }
    expect(undocumented).toEqual([]);
  });

  it('documents the flow, namespace, KV and misc endpoints of this API', () => {
    const has = (method: string, path: string) => expect({ method, path, documented: !!document.paths[path]?.[method] }).toEqual({ method, path, documented: true });
    has('post', '/api/v1/flows');
    has('get', '/api/v1/flows/{namespace}/{id}');
    has('put', '/api/v1/flows/{namespace}/{id}');
    has('get', '/api/v1/flows/search');
    has('post', '/api/v1/flows/import');
    has('get', '/api/v1/flows/export/by-query');
    has('post', '/api/v1/namespaces/{namespace}/files');
    has('put', '/api/v1/namespaces/{namespace}/kv/{key}');
    has('get', '/api/v1/configs');
    has('get', '/api/v1/version');
  });

  it('declares only what the server answers: webhook methods, media types of success and error answers, execution schema', async () => {
    const webhook = document.paths['/api/v1/executions/webhook/{namespace}/{id}/{key}'] ?? {};
    expect(Object.keys(webhook).filter((m) => METHODS.includes(m)).sort()).toEqual(['get', 'post', 'put']);
    expect((await fetch(`${deployment.api}/api/v1/executions/webhook/a/b/c`, { method: 'DELETE' })).status).toBe(404);
    // A file answer is a ZIP, its errors are JSON.
    const exportByIds = document.paths['/api/v1/flows/export/by-ids']!.post!.responses as Record<string, { content?: Record<string, unknown> }>;
    expect(Object.keys(exportByIds['200']!.content!)).toEqual(['application/zip']);
    expect(Object.keys(exportByIds['400']!.content!)).toEqual(['application/json']);
    const refused = await fetch(`${deployment.api}/api/v1/flows/export/by-ids`, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: '{}' });
    expect([refused.status, refused.headers.get('content-type')]).toEqual([400, expect.stringMatching(/^application\/json/)]);
    const kvDelete = await fetch(`${deployment.api}/api/v1/namespaces/io.osprey.openapi/kv/missing`, { method: 'DELETE' });
    expect([kvDelete.headers.get('content-type'), await kvDelete.text()]).toEqual([expect.stringMatching(/^application\/json/), 'false']);
    const getExecution = document.paths['/api/v1/executions/{executionId}']!.get!.responses as Record<string, { content?: Record<string, { schema?: unknown }> }>;
    expect(getExecution['200']!.content!['application/json']!.schema).toEqual({ $ref: '#/components/schemas/ExecutionModel' });
    // With auth configured every API operation can answer 401, and every one taking a body 413.
    for (const [path, operations] of Object.entries(document.paths)) {
      if (!path.startsWith('/api/')) continue;
      for (const [method, operation] of Object.entries(operations)) {
        const statuses = Object.keys(operation.responses ?? {});
        expect({ method, path, has401: statuses.includes('401') }).toEqual({ method, path, has401: true });
        if ((operation as { requestBody?: unknown }).requestBody) expect({ method, path, has413: statuses.includes('413') }).toEqual({ method, path, has413: true });
      }
    }
  });

  it('answers configs and version', async () => {
    const version = await httpJson<{ version: string }>(`${deployment.api}/api/v1/version`);
    expect(version.body.version).toBe(document.info.version);
    const configs = await httpJson<Record<string, unknown>>(`${deployment.api}/api/v1/configs`);
    expect(configs.body).toMatchObject({ version: document.info.version, isBasicAuthEnabled: false, isTaskRunEnabled: true, maxUploadBytes: expect.any(Number) });
  });
});
