import { startDeployment, type Deployment } from '../support/deployment.js';
import { httpJson } from '../support/osprey-process.js';

/**
 * Kestra's `filters[field][OPERATION]=value` query syntax and the API's refusals, through HTTP on `osprey server local`:
 * a filter selects what it names and nothing more, a bulk action with no filter is refused, and whatever the API does
 * not take (a parameter, a field, an operation, a page beyond exact offsets) is a 400 naming it.
 */

interface FlowView {
  id: string;
  namespace: string;
  disabled: boolean;
}
interface ErrorView {
  message: string;
  field?: string;
}
interface Paged<T> {
  results: T[];
  total: number;
}
interface ExecutionView {
  id: string;
  namespace: string;
  state: { current: string };
}

const flow = (namespace: string, id: string, fail = false) => `id: ${id}
namespace: ${namespace}
labels:
  team: ${namespace}
tasks:
  - id: hello
    type: io.kestra.plugin.core.log.Log
    message: "hello from {{ flow.namespace }}"
${fail ? '  - id: boom\n    type: io.kestra.plugin.core.execution.Fail\n' : ''}`;

describe('search filters API (local)', () => {
  let deployment: Deployment;
  let api: string;
  const v1 = (path: string) => `${api}/api/v1${path}`;
  const get = <T>(path: string) => httpJson<T>(v1(path));
  const post = <T>(path: string) => httpJson<T>(v1(path), { method: 'POST' });
  const enabledIds = async () => (await get<Paged<FlowView>>('/flows/search?size=100&sort=id:asc')).body.results.filter((f) => !f.disabled).map((f) => `${f.namespace}/${f.id}`);

  const expect400 = (answer: { status: number; body: unknown }, field: string, message?: RegExp) => {
    expect(answer.status).toBe(400);
    expect(answer.body).toEqual(expect.objectContaining({ field, message: expect.stringContaining(field) }));
    if (message) expect((answer.body as ErrorView).message).toMatch(message);
  };

  beforeAll(async () => {
    deployment = await startDeployment('local');
    api = deployment.api;
    for (const [namespace, id] of [['a', 'one'], ['a.child', 'two'], ['b', 'three']]) {
      const created = await httpJson(v1('/flows'), { method: 'POST', headers: { 'content-type': 'application/x-yaml' }, body: flow(namespace!, id!) });
      expect(created.status).toBe(200);
    }
  }, 60_000);

  afterAll(async () => {
    await deployment?.stop();
  });

  it('searches flows with filters[namespace][EQUALS], which selects that namespace only (not its children, not the others)', async () => {
    const exact = await get<Paged<FlowView>>('/flows/search?filters[namespace][EQUALS]=a');
    expect(exact.status).toBe(200);
    expect(exact.body).toEqual({ total: 1, results: [expect.objectContaining({ namespace: 'a', id: 'one' })] });
    const prefix = await get<Paged<FlowView>>(`/flows/search?${encodeURI('filters[namespace][PREFIX]=a')}&sort=id:asc`);
    expect(prefix.body.results.map((f) => f.id)).toEqual(['one', 'two']);
    const labels = await get<Paged<FlowView>>('/flows/search?filters[labels][EQUALS][team]=b');
    expect(labels.body.results.map((f) => f.id)).toEqual(['three']);
    const none = await get<Paged<FlowView>>('/flows/search?filters[namespace][IN]=x,y');
    expect(none.body).toEqual({ total: 0, results: [] });
  });

  it('disables by query exactly the flows the filters select', async () => {
    const disabled = await post<{ count: number }>('/flows/disable/by-query?filters[namespace][EQUALS]=a');
    expect(disabled.body).toEqual({ count: 1 });
    expect(await enabledIds()).toEqual(['b/three', 'a.child/two']);
    const enabled = await post<{ count: number }>('/flows/enable/by-query?filters[flowId][EQUALS]=one');
    expect(enabled.body).toEqual({ count: 1 });
    expect((await enabledIds()).length).toBe(3);
  });

  it('refuses a by-query bulk action with no filter, and changes nothing', async () => {
    for (const [method, path] of [
      ['POST', '/flows/disable/by-query'],
      ['POST', '/flows/enable/by-query'],
      ['DELETE', '/flows/delete/by-query'],
      ['GET', '/flows/export/by-query'],
    ] as const) {
      const refused = await httpJson<ErrorView>(v1(path), { method });
      expect400(refused, 'filters', /explicit filter/);
    }
    expect((await enabledIds()).length).toBe(3);
    // An unknown parameter is no filter either: the action is refused, not applied to everything.
    expect400(await post('/flows/disable/by-query?namespase=a'), 'namespase', /unknown query parameter/);
    expect((await enabledIds()).length).toBe(3);
  });

  it('answers 400 naming the page when page × size would not be an exact offset, on every paged search', async () => {
    for (const path of ['/flows/search', '/executions/search', '/logs/search', '/taskruns/search', '/triggers/search', '/namespaces/search']) {
      expect400(await get(`${path}?page=3120706835617932288`), 'page');
      expect400(await get(`${path}?page=0`), 'page');
      expect400(await get(`${path}?size=0`), 'size');
      expect400(await get(`${path}?size=1.5`), 'size');
      expect400(await get(`${path}?size=10001`), 'size');
    }
  });

  it('answers 400 naming an unknown parameter, filter field or operation, on every search', async () => {
    for (const path of ['/flows/search', '/executions/search', '/logs/search', '/taskruns/search', '/triggers/search']) {
      expect400(await get(`${path}?colour=red`), 'colour', /unknown query parameter/);
      expect400(await get(`${path}?filters[colour][EQUALS]=red`), 'filters[colour][EQUALS]', /unknown filter field/);
      expect400(await get(`${path}?filters[namespace][LIKE]=a`), 'filters[namespace][LIKE]', /unknown operation/);
      expect400(await get(`${path}?filters[namespace]=a`), 'filters[namespace]');
    }
    expect400(await get('/flows/search?filters[state][EQUALS]=FAILED'), 'filters[state][EQUALS]', /does not filter on state/);
    expect400(await get('/executions/search?filters[namespace][GREATER_THAN]=a'), 'filters[namespace][GREATER_THAN]', /does not take GREATER_THAN/);
    expect400(await get('/executions/search?filters[state][EQUALS]=DONE'), 'filters[state][EQUALS]', /not one of/);
    expect400(await get('/taskruns/search?filters[level][EQUALS]=INFO'), 'filters[level][EQUALS]', /does not filter on level/);
    expect400(await get('/namespaces/a/kv?filters[namespace][EQUALS]=a'), 'filters[namespace][EQUALS]');
    expect400(await get('/flows/distinct-namespaces?page=2'), 'page', /unknown query parameter/);
  });

  it('declares in the OpenAPI document exactly the query parameters each search takes, filters and paging bounds included', async () => {
    interface Parameter {
      name: string;
      in: string;
      style?: string;
      schema?: { minimum?: number; maximum?: number; properties?: Record<string, { properties?: Record<string, unknown> }> };
    }
    const document = (await get<{ paths: Record<string, Record<string, { parameters?: Parameter[] }>> }>('/openapi.json')).body;
    const search = ['/flows/search', '/executions/search', '/logs/search', '/taskruns/search', '/triggers/search'];
    for (const path of search) {
      const query = (document.paths[`/api/v1${path}`]!.get!.parameters ?? []).filter((p) => p.in === 'query');
      const filters = query.find((p) => p.name === 'filters')!;
      expect({ path, style: filters.style }).toEqual({ path, style: 'deepObject' });
      expect(filters.schema?.properties?.namespace?.properties).toHaveProperty('EQUALS');
      expect(query.find((p) => p.name === 'size')?.schema).toEqual(expect.objectContaining({ minimum: 1, maximum: expect.any(Number) }));
      // Every declared parameter is taken (none answers "unknown"), and an undeclared one is refused.
      for (const parameter of query.filter((p) => p.name !== 'filters')) {
        const answer = await get<ErrorView>(`${path}?${parameter.name}=1`);
        expect({ path, parameter: parameter.name, unknown: answer.status === 400 && /unknown query parameter/.test(answer.body.message) }).toEqual({ path, parameter: parameter.name, unknown: false });
      }
    }
    const flows = document.paths['/api/v1/flows/search']!.get!.parameters!.find((p) => p.name === 'filters')!;
    expect(Object.keys(flows.schema!.properties!).sort()).toEqual(['flowId', 'labels', 'namespace', 'q', 'scope']);
  });

  it('filters executions, task runs and logs in the repository: totals count the matches only', async () => {
    await httpJson(v1('/flows'), { method: 'POST', headers: { 'content-type': 'application/x-yaml' }, body: flow('b', 'failing', true) });
    const ran: ExecutionView[] = [];
    for (const [namespace, id] of [['a', 'one'], ['b', 'three'], ['b', 'three'], ['b', 'failing']]) {
      ran.push((await post<ExecutionView>(`/executions/${namespace}/${id}?wait=true`)).body);
    }
    expect(ran.map((e) => e.state.current)).toEqual(['SUCCESS', 'SUCCESS', 'SUCCESS', 'FAILED']);

    const inB = await get<Paged<ExecutionView>>('/executions/search?filters[namespace][EQUALS]=b&filters[state][IN]=SUCCESS,FAILED&size=1');
    expect(inB.body.total).toBe(3);
    expect(inB.body.results).toHaveLength(1);
    const failed = await get<Paged<ExecutionView>>('/executions/search?filters[state][EQUALS]=FAILED');
    expect(failed.body.results.map((e) => e.id)).toEqual([ran[3]!.id]);
    const notB = await get<Paged<ExecutionView>>('/executions/search?filters[namespace][NOT_EQUALS]=b&filters[timeRange][EQUALS]=PT1H');
    expect(notB.body.results.map((e) => e.id)).toEqual([ran[0]!.id]);

    const runs = await get<Paged<{ executionId: string }>>(`/taskruns/search?filters[executionId][EQUALS]=${ran[3]!.id}&filters[state][EQUALS]=FAILED`);
    expect(runs.body.total).toBe(1);
    expect(runs.body.results[0]!.executionId).toBe(ran[3]!.id);

    const logs = await get<Paged<{ executionId: string; message: string }>>(`/logs/search?filters[executionId][IN]=${ran[0]!.id},${ran[2]!.id}&filters[level][EQUALS]=INFO`);
    expect([...new Set(logs.body.results.map((l) => l.executionId))].sort()).toEqual([ran[0]!.id, ran[2]!.id].sort());
    expect(logs.body.results.map((l) => l.message)).toEqual(expect.arrayContaining(['hello from a', 'hello from b']));
  });
});
