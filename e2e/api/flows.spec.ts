import { startDeployment, TOPOLOGIES, type Deployment } from '../support/deployment.js';
import { httpJson } from '../support/osprey-process.js';
import { zipEntries } from '../support/zip-entries.js';

/** The flow endpoints over HTTP, against `osprey server local` and against webserver + executor + worker processes. */

const MAX_UPLOAD = 64 * 1024;
const NS = 'io.osprey.api';

interface FlowView {
  id: string;
  namespace: string;
  revision: number;
  disabled: boolean;
  deleted: boolean;
  labels: { key: string; value: string }[];
  source?: string;
}
interface ErrorView {
  message: string;
  field?: string;
  violations?: { path: string; message: string; line?: number; column?: number }[];
  failures?: { file: string; violations: { path: string; line?: number }[] }[];
}

function flowSource(id: string, options: { namespace?: string; labels?: Record<string, string>; message?: string } = {}): string {
  const labels = options.labels ? `labels:\n${Object.entries(options.labels).map(([k, v]) => `  ${k}: ${v}`).join('\n')}\n` : '';
  return `id: ${id}
namespace: ${options.namespace ?? NS}
${labels}inputs:
  - id: name
    type: STRING
    defaults: world
tasks:
  - id: answer
    type: io.kestra.plugin.core.debug.Return
    format: "${options.message ?? 'hello'} {{ inputs.name }}"
`;
}

/** Every error answer is JSON with a message and never a stack trace. */
function expectCleanError(body: unknown): void {
  expect(body).toEqual(expect.objectContaining({ message: expect.any(String) }));
  expect(JSON.stringify(body)).not.toMatch(/\n\s+at |node_modules|\.ts:\d+/);
}

describe.each(TOPOLOGIES)('flows API (%s)', (topology) => {
  let deployment: Deployment;
  let api: string;

  const yaml = (method: string, path: string, body: string) =>
    httpJson<FlowView & ErrorView>(`${api}/api/v1${path}`, { method, headers: { 'content-type': 'application/x-yaml' }, body });
  const json = <T>(method: string, path: string, body?: unknown) =>
    httpJson<T>(`${api}/api/v1${path}`, { method, headers: { 'content-type': 'application/json' }, body: body === undefined ? undefined : JSON.stringify(body) });
  const get = <T>(path: string) => httpJson<T>(`${api}/api/v1${path}`);
  const upload = (path: string, field: string, content: Buffer | string, fileName: string) => {
    const form = new FormData();
    form.append(field, new Blob([content]), fileName);
    return httpJson<string[] & ErrorView>(`${api}/api/v1${path}`, { method: 'POST', body: form });
  };

  beforeAll(async () => {
    deployment = await startDeployment(topology, { env: { OSPREY_MAX_UPLOAD_BYTES: String(MAX_UPLOAD) } });
    api = deployment.api;
  }, 60_000);
  afterAll(async () => {
    await deployment?.stop();
  });

  it('creates a flow from YAML and gets it, with its source only when asked', async () => {
    const created = await yaml('POST', '/flows', flowSource('create-me', { labels: { team: 'data' } }));
    expect(created.status).toBe(200);
    expect(created.body).toMatchObject({ id: 'create-me', namespace: NS, revision: 1, disabled: false, labels: [{ key: 'team', value: 'data' }] });
    expect(created.body.source).toBe(flowSource('create-me', { labels: { team: 'data' } }));

    const plain = await get<FlowView>(`/flows/${NS}/create-me`);
    expect(plain.status).toBe(200);
    expect(plain.body).toMatchObject({ id: 'create-me', revision: 1 });
    expect(plain.body.source).toBeUndefined();
    const withSource = await get<FlowView>(`/flows/${NS}/create-me?source=true`);
    expect(withSource.body.source).toBe(flowSource('create-me', { labels: { team: 'data' } }));

    // Sending the same source again is harmless; a different one for the same flow is a conflict.
    const again = await yaml('POST', '/flows', flowSource('create-me', { labels: { team: 'data' } }));
    expect(again.body.revision).toBe(1);
    const conflict = await yaml('POST', '/flows', flowSource('create-me', { message: 'changed' }));
    expect(conflict.status).toBe(409);
    expectCleanError(conflict.body);
    expect(conflict.body.message).toContain('PUT');
  });

  it('updates a flow with PUT, keeping every revision and its source', async () => {
    await yaml('POST', '/flows', flowSource('revised'));
    const updated = await yaml('PUT', `/flows/${NS}/revised`, flowSource('revised', { message: 'bonjour' }));
    expect(updated.status).toBe(200);
    expect(updated.body.revision).toBe(2);
    const unchanged = await yaml('PUT', `/flows/${NS}/revised`, flowSource('revised', { message: 'bonjour' }));
    expect(unchanged.body.revision).toBe(2);

    const revisions = await get<FlowView[]>(`/flows/${NS}/revised/revisions`);
    expect(revisions.body.map((r) => r.revision)).toEqual([1, 2]);
    expect(revisions.body[0]!.source).toContain('hello');
    expect(revisions.body[1]!.source).toContain('bonjour');
    const first = await get<FlowView>(`/flows/${NS}/revised?revision=1&source=true`);
    expect(first.body).toMatchObject({ revision: 1, source: flowSource('revised') });

    // An execution started now runs the latest revision.
    const run = await json<{ state: { current: string }; flowRevision: number; taskRunList: { outputs?: { value?: string } }[] }>('POST', `/executions/${NS}/revised?wait=true`, {});
    expect(run.body.state.current).toBe('SUCCESS');
    expect(run.body.taskRunList[0]!.outputs?.value).toBe('bonjour world');

    const renamed = await yaml('PUT', `/flows/${NS}/revised`, flowSource('other-id'));
    expect(renamed.status).toBe(409);
    expectCleanError(renamed.body);
    const missing = await yaml('PUT', `/flows/${NS}/never-created`, flowSource('never-created'));
    expect(missing.status).toBe(404);
    expectCleanError(missing.body);
  });

  it('lists a namespace and searches by text, namespace prefix, labels, with paging and sort', async () => {
    const ns = `${NS}.search`;
    for (const [id, team] of [['alpha', 'red'], ['beta', 'blue'], ['gamma', 'red']] as const) {
      expect((await yaml('POST', '/flows', flowSource(id, { namespace: ns, labels: { team } }))).status).toBe(200);
    }
    await yaml('POST', '/flows', flowSource('delta', { namespace: `${ns}.child` }));

    const listed = await get<FlowView[]>(`/flows/${ns}`);
    expect(listed.body.map((f) => f.id)).toEqual(['alpha', 'beta', 'gamma']);

    const byPrefix = await get<{ results: FlowView[]; total: number }>(`/flows/search?namespace=${ns}&size=2&page=1&sort=id:desc`);
    expect(byPrefix.body.total).toBe(4);
    expect(byPrefix.body.results.map((f) => f.id)).toEqual(['gamma', 'delta']);
    const page2 = await get<{ results: FlowView[]; total: number }>(`/flows/search?namespace=${ns}&size=2&page=2&sort=id:desc`);
    expect(page2.body.results.map((f) => f.id)).toEqual(['beta', 'alpha']);
    const red = await get<{ results: FlowView[]; total: number }>(`/flows/search?namespace=${ns}&labels=team:red`);
    expect(red.body.results.map((f) => f.id).sort()).toEqual(['alpha', 'gamma']);
    const text = await get<{ results: FlowView[]; total: number }>(`/flows/search?q=amm`);
    expect(text.body.results.map((f) => f.id)).toEqual(['gamma']);

    const namespaces = await get<string[]>('/flows/distinct-namespaces');
    expect(namespaces.body).toEqual(expect.arrayContaining([ns, `${ns}.child`]));

    for (const [query, field] of [['size=abc', 'size'], ['page=0', 'page'], ['sort=color:asc', undefined], ['labels=nocolon', 'labels'], ['size=5000', 'size']] as const) {
      const bad = await get<ErrorView>(`/flows/search?${query}`);
      expect(bad.status).toBe(400);
      expectCleanError(bad.body);
      if (field) expect(bad.body.field).toBe(field);
    }
    const badBoolean = await get<ErrorView>(`/flows/${ns}/alpha?source=yes`);
    expect(badBoolean.status).toBe(400);
    expect(badBoolean.body.field).toBe('source');
  });

  it('validates flows of a multi-document body, with lines of the whole body', async () => {
    const body = `${flowSource('valid-one')}---\nid: broken\nnamespace: ${NS}\ntasks:\n  - id: t\n    type: io.kestra.plugin.core.nope.Nope\n`;
    const result = await yaml('POST', '/flows/validate', body);
    expect(result.status).toBe(200);
    const [valid, broken] = result.body as unknown as { index: number; flow?: string; constraints?: string; violations: { path: string; line: number }[] }[];
    expect(valid).toMatchObject({ index: 0, flow: 'valid-one', violations: [] });
    expect(valid!.constraints).toBeUndefined();
    const brokenLine = body.split('\n').findIndex((l) => l.includes('nope.Nope')) + 1;
    expect(broken).toMatchObject({ index: 1, flow: 'broken', violations: [expect.objectContaining({ path: 'tasks[0].type', line: brokenLine })] });
    expect(broken!.constraints).toContain('tasks[0].type');
    // Nothing was stored.
    expect((await get(`/flows/${NS}/valid-one`)).status).toBe(404);
  });

  it('refuses with 422 a flow using a property Osprey does not honour, naming its path, line and column', async () => {
    const source = `id: refused-prop\nnamespace: ${NS}\nlisteners: []\ntasks:\n  - id: t\n    type: io.kestra.plugin.core.log.Log\n    message: hi\n    logToFile: true\n`;
    const refused = await yaml('POST', '/flows', source);
    expect(refused.status).toBe(422);
    expectCleanError(refused.body);
    expect(refused.body.violations).toEqual([
      expect.objectContaining({ path: 'listeners', line: 3, column: 1, message: expect.stringMatching(/^property 'listeners' is not supported by Osprey/) }),
      expect.objectContaining({ path: 'tasks[0].logToFile', line: 8, column: 5, message: expect.stringMatching(/^property 'logToFile' is not supported by Osprey/) }),
    ]);
    expect((await get(`/flows/${NS}/refused-prop`)).status).toBe(404);
  });

  it('answers bad input with a 4xx JSON body naming the problem', async () => {
    const malformed = await yaml('POST', '/flows', 'id: bad\nnamespace: x\ntasks:\n  - id: t\n    type: [unclosed\n');
    expect(malformed.status).toBe(422);
    expectCleanError(malformed.body);
    expect(malformed.body.violations?.[0]).toMatchObject({ line: expect.any(Number), column: expect.any(Number) });

    const asJson = await json<ErrorView>('POST', '/flows', { id: 'x' });
    expect(asJson.status).toBe(400);
    expect(asJson.body.field).toBe('body');

    const notJson = await httpJson<ErrorView>(`${api}/api/v1/flows/disable/by-ids`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '[{"namespace":' });
    expect(notJson.status).toBe(400);
    expectCleanError(notJson.body);
    expect(notJson.body.message).toMatch(/malformed request body/);

    const notArray = await json<ErrorView>('POST', '/flows/disable/by-ids', { namespace: NS, id: 'x' });
    expect(notArray.status).toBe(400);
    expect(notArray.body.field).toBe('body');

    const huge = await yaml('POST', '/flows', `${flowSource('huge')}# ${'x'.repeat(MAX_UPLOAD)}\n`);
    expect(huge.status).toBe(413);
    expectCleanError(huge.body);
    expect((await get(`/flows/${NS}/huge`)).status).toBe(404);

    for (const [method, path] of [['GET', `/flows/${NS}/ghost`], ['DELETE', `/flows/${NS}/ghost`], ['GET', `/flows/${NS}/ghost/revisions`]] as const) {
      const answer = await httpJson<ErrorView>(`${api}/api/v1${path}`, { method });
      expect(answer.status).toBe(404);
      expectCleanError(answer.body);
      expect(answer.body.message).toContain(`${NS}.ghost`);
    }
  });

  it('disables and enables flows by ids and by query, as new revisions', async () => {
    const ns = `${NS}.toggle`;
    await yaml('POST', '/flows', flowSource('one', { namespace: ns, labels: { group: 'g' } }));
    await yaml('POST', '/flows', flowSource('two', { namespace: ns, labels: { group: 'g' } }));

    const disabled = await json<{ count: number }>('POST', '/flows/disable/by-ids', [{ namespace: ns, id: 'one' }]);
    expect(disabled.body).toEqual({ count: 1 });
    const one = await get<FlowView>(`/flows/${ns}/one?source=true`);
    expect(one.body).toMatchObject({ disabled: true, revision: 2 });
    expect(one.body.source).toContain('disabled: true');
    const refused = await json<ErrorView>('POST', `/executions/${ns}/one`, {});
    expect(refused.status).toBe(409);

    const byQuery = await httpJson<{ count: number }>(`${api}/api/v1/flows/disable/by-query?namespace=${ns}&labels=group:g`, { method: 'POST' });
    expect(byQuery.body).toEqual({ count: 1 }); // "one" was disabled already
    const enabled = await httpJson<{ count: number }>(`${api}/api/v1/flows/enable/by-query?namespace=${ns}`, { method: 'POST' });
    expect(enabled.body).toEqual({ count: 2 });
    expect((await json<{ count: number }>('POST', '/flows/enable/by-ids', [{ namespace: ns, id: 'one' }])).body).toEqual({ count: 0 });
    const run = await json<{ state: { current: string } }>('POST', `/executions/${ns}/one?wait=true`, {});
    expect(run.body.state.current).toBe('SUCCESS');

    const unknown = await json<ErrorView>('POST', '/flows/disable/by-ids', [{ namespace: ns, id: 'one' }, { namespace: ns, id: 'nope' }]);
    expect(unknown.status).toBe(404);
    expect((await get<FlowView>(`/flows/${ns}/one`)).body.disabled).toBe(false); // nothing half-done
  });

  it('exports flows as a ZIP and imports them back, all or nothing', async () => {
    const ns = `${NS}.io`;
    await yaml('POST', '/flows', flowSource('exported-a', { namespace: ns }));
    await yaml('POST', '/flows', flowSource('exported-b', { namespace: ns }));

    const byQuery = await fetch(`${api}/api/v1/flows/export/by-query?namespace=${ns}`);
    expect(byQuery.status).toBe(200);
    expect(byQuery.headers.get('content-type')).toBe('application/zip');
    const archive = Buffer.from(await byQuery.arrayBuffer());
    const entries = await zipEntries(archive);
    expect(entries).toEqual({ [`${ns}.exported-a.yml`]: flowSource('exported-a', { namespace: ns }), [`${ns}.exported-b.yml`]: flowSource('exported-b', { namespace: ns }) });

    const byIds = await fetch(`${api}/api/v1/flows/export/by-ids`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify([{ namespace: ns, id: 'exported-b' }]) });
    expect(Object.keys(await zipEntries(Buffer.from(await byIds.arrayBuffer())))).toEqual([`${ns}.exported-b.yml`]);

    const deleted = await httpJson<{ count: number }>(`${api}/api/v1/flows/delete/by-query?namespace=${ns}`, { method: 'DELETE' });
    expect(deleted.body).toEqual({ count: 2 });
    expect((await get(`/flows/${ns}/exported-a`)).status).toBe(404);

    const imported = await upload('/flows/import', 'fileUpload', archive, 'flows.zip');
    expect(imported).toEqual({ status: 200, body: [] });
    expect((await get<FlowView>(`/flows/${ns}/exported-a`)).body.revision).toBe(2); // the history continues

    const multi = `${flowSource('multi-1', { namespace: ns })}---\n${flowSource('multi-2', { namespace: ns })}`;
    expect((await upload('/flows/import', 'fileUpload', multi, 'flows.yml')).status).toBe(200);
    expect((await get<FlowView[]>(`/flows/${ns}`)).body.map((f) => f.id)).toEqual(['exported-a', 'exported-b', 'multi-1', 'multi-2']);

    const broken = `${flowSource('atomic-1', { namespace: ns })}---\nid: atomic-2\nnamespace: ${ns}\ntasks: []\n`;
    const refused = await upload('/flows/import', 'fileUpload', broken, 'broken.yml');
    expect(refused.status).toBe(422);
    expectCleanError(refused.body);
    expect(refused.body.failures).toEqual([{ file: 'broken.yml#1', violations: [expect.objectContaining({ path: 'tasks', line: broken.split('\n').indexOf('tasks: []') + 1 })] }]);
    expect((await get(`/flows/${ns}/atomic-1`)).status).toBe(404);

    const tooLarge = await upload('/flows/import', 'fileUpload', Buffer.alloc(MAX_UPLOAD + 1, 0x20), 'big.yml');
    expect(tooLarge.status).toBe(413);
    expectCleanError(tooLarge.body);
    const noFile = await upload('/flows/import', 'other', 'x', 'x.yml');
    expect(noFile.status).toBe(400);
    expect(noFile.body.field).toBe('fileUpload');

    const unfiltered = await httpJson<ErrorView>(`${api}/api/v1/flows/delete/by-query`, { method: 'DELETE' });
    expect(unfiltered.status).toBe(400);
    const byIdsDeleted = await json<{ count: number }>('DELETE', '/flows/delete/by-ids', [{ namespace: ns, id: 'multi-1' }]);
    expect(byIdsDeleted.body).toEqual({ count: 1 });
  });

  it('syncs a namespace from a multi-document body, deleting the flows it no longer holds', async () => {
    const ns = `${NS}.sync`;
    await yaml('POST', '/flows', flowSource('stale', { namespace: ns }));
    const body = `${flowSource('kept', { namespace: ns })}---\n${flowSource('added', { namespace: ns })}`;
    const synced = await yaml('POST', `/flows/bulk?namespace=${ns}`, body);
    expect(synced.status).toBe(200);
    expect((synced.body as unknown as FlowView[]).map((f) => f.id)).toEqual(['kept', 'added']);
    expect((await get<FlowView[]>(`/flows/${ns}`)).body.map((f) => f.id)).toEqual(['added', 'kept']);

    const elsewhere = await yaml('POST', `/flows/bulk?namespace=${ns}`, flowSource('intruder', { namespace: 'somewhere.else' }));
    expect(elsewhere.status).toBe(422);
    expect((await get<FlowView[]>(`/flows/${ns}`)).body).toHaveLength(2);

    const deleted = await httpJson(`${api}/api/v1/flows/${ns}/kept`, { method: 'DELETE' });
    expect(deleted.status).toBe(204);
    const gone = await get<FlowView>(`/flows/${ns}/kept?allowDeleted=true`);
    expect(gone.body).toMatchObject({ id: 'kept', deleted: true });
  });
});
