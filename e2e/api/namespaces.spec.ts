import { startDeployment, TOPOLOGIES, type Deployment } from '../support/deployment.js';
import { httpJson } from '../support/osprey-process.js';

/** Namespaces, namespace files and the KV store over HTTP, on both topologies. */

const MAX_UPLOAD = 64 * 1024;
const NS = 'io.osprey.nsapi';

interface ErrorView {
  message: string;
  field?: string;
}
interface FileAttributes {
  fileName: string;
  type: 'File' | 'Directory';
  size: number;
  lastModifiedTime: number;
}

function expectCleanError(body: unknown): void {
  expect(body).toEqual(expect.objectContaining({ message: expect.any(String) }));
  expect(JSON.stringify(body)).not.toMatch(/\n\s+at |node_modules|\.ts:\d+/);
}

describe.each(TOPOLOGIES)('namespaces API (%s)', (topology) => {
  let deployment: Deployment;
  let api: string;

  const get = <T>(path: string) => httpJson<T>(`${api}/api/v1${path}`);
  const upload = (namespace: string, path: string, content: Buffer | string, field = 'fileContent') => {
    const form = new FormData();
    form.append(field, new Blob([content]), 'upload.bin');
    return httpJson<FileAttributes & ErrorView>(`${api}/api/v1/namespaces/${namespace}/files?path=${encodeURIComponent(path)}`, { method: 'POST', body: form });
  };
  const putKv = (namespace: string, key: string, body: string, contentType: string, headers: Record<string, string> = {}) =>
    httpJson<ErrorView | undefined>(`${api}/api/v1/namespaces/${namespace}/kv/${key}`, { method: 'PUT', headers: { 'content-type': contentType, ...headers }, body });

  beforeAll(async () => {
    deployment = await startDeployment(topology, { env: { OSPREY_MAX_UPLOAD_BYTES: String(MAX_UPLOAD) } });
    api = deployment.api;
    const flow = `id: reader\nnamespace: ${NS}.team\ntasks:\n  - id: read\n    type: io.kestra.plugin.core.kv.Get\n    key: greeting\n`;
    const deployed = await httpJson(`${api}/api/v1/flows`, { method: 'POST', headers: { 'content-type': 'application/x-yaml' }, body: flow });
    expect(deployed.status).toBe(200);
  }, 60_000);
  afterAll(async () => {
    await deployment?.stop();
  });

  it('lists namespaces of the flows with their parents, and gets one', async () => {
    const all = await get<{ results: { id: string; deleted: boolean }[]; total: number }>(`/namespaces/search?q=nsapi`);
    expect(all.body).toEqual({
      results: [
        { id: NS, deleted: false },
        { id: `${NS}.team`, deleted: false },
      ],
      total: 2,
    });
    const paged = await get<{ results: { id: string }[]; total: number }>(`/namespaces/search?size=1&page=2&sort=id:desc`);
    expect(paged.body.results).toHaveLength(1);
    expect((await get(`/namespaces/${NS}`)).body).toEqual({ id: NS, deleted: false });
    const unknown = await get<ErrorView>('/namespaces/no.such.namespace');
    expect(unknown.status).toBe(404);
    expectCleanError(unknown.body);
    const invalid = await get<ErrorView>('/namespaces/bad%20name');
    expect(invalid.status).toBe(400);
    expect(invalid.body.field).toBe('namespace');
    expect((await get<ErrorView>('/namespaces/search?sort=name:asc')).status).toBe(400);
  });

  it('uploads, lists, reads and deletes namespace files', async () => {
    const bytes = Buffer.from([0, 1, 2, 254, 255, 10, 13]);
    const stored = await upload(NS, '/scripts/tool.bin', bytes);
    expect(stored.status).toBe(200);
    expect(stored.body).toMatchObject({ fileName: 'tool.bin', type: 'File', size: bytes.length });
    expect((await upload(NS, 'scripts/nested/readme.md', '# hello')).status).toBe(200);
    expect((await upload(NS, '/top.txt', 'top')).status).toBe(200);

    const root = await get<FileAttributes[]>(`/namespaces/${NS}/files/directory`);
    expect(root.body.map((f) => [f.fileName, f.type]).sort()).toEqual([['scripts', 'Directory'], ['top.txt', 'File']]);
    const scripts = await get<FileAttributes[]>(`/namespaces/${NS}/files/directory?path=/scripts`);
    expect(scripts.body.map((f) => [f.fileName, f.type]).sort()).toEqual([['nested', 'Directory'], ['tool.bin', 'File']]);
    const stats = await get<FileAttributes>(`/namespaces/${NS}/files/stats?path=/scripts/tool.bin`);
    expect(stats.body).toMatchObject({ fileName: 'tool.bin', type: 'File', size: bytes.length });
    expect((await get<FileAttributes>(`/namespaces/${NS}/files/stats?path=/scripts`)).body).toMatchObject({ type: 'Directory' });

    const download = await fetch(`${api}/api/v1/namespaces/${NS}/files?path=/scripts/tool.bin`);
    expect(download.status).toBe(200);
    expect(Buffer.from(await download.arrayBuffer())).toEqual(bytes);

    // Replacing keeps one file.
    expect((await upload(NS, '/top.txt', 'top, again')).body.size).toBe('top, again'.length);
    expect(await (await fetch(`${api}/api/v1/namespaces/${NS}/files?path=top.txt`)).text()).toBe('top, again');

    // Another namespace sees none of it.
    expect((await get<ErrorView>(`/namespaces/${NS}.team/files?path=/top.txt`)).status).toBe(404);

    expect((await fetch(`${api}/api/v1/namespaces/${NS}/files?path=/top.txt`, { method: 'DELETE' })).status).toBe(204);
    expect((await get<ErrorView>(`/namespaces/${NS}/files?path=/top.txt`)).status).toBe(404);
    expect((await fetch(`${api}/api/v1/namespaces/${NS}/files?path=/scripts`, { method: 'DELETE' })).status).toBe(204);
    expect((await get<FileAttributes[]>(`/namespaces/${NS}/files/directory`)).body).toEqual([]);
    const again = await fetch(`${api}/api/v1/namespaces/${NS}/files?path=/scripts`, { method: 'DELETE' });
    expect(again.status).toBe(404);
  });

  it('refuses paths leaving the namespace, oversized files and missing fields, storing nothing', async () => {
    for (const path of ['../escape.txt', '/a/../../escape.txt', '/a/./b', 'a//b', '/a\\..\\b']) {
      const refused = await upload(NS, path, 'x');
      expect(refused.status).toBe(400);
      expectCleanError(refused.body);
      expect(refused.body.field).toBe('path');
    }
    const readOutside = await get<ErrorView>(`/namespaces/${NS}/files?path=${encodeURIComponent('../../../../etc/passwd')}`);
    expect(readOutside.status).toBe(400);
    expect(readOutside.body.field).toBe('path');
    const listOutside = await get<ErrorView>(`/namespaces/${NS}/files/directory?path=..`);
    expect(listOutside.status).toBe(400);

    const tooLarge = await upload(NS, '/big.bin', Buffer.alloc(MAX_UPLOAD + 1, 7));
    expect(tooLarge.status).toBe(413);
    expectCleanError(tooLarge.body);
    expect((await get(`/namespaces/${NS}/files/stats?path=/big.bin`)).status).toBe(404);

    const noField = await upload(NS, '/x.txt', 'x', 'wrongField');
    expect(noField.status).toBe(400);
    expect(noField.body.field).toBe('fileContent');
    const noPath = await get<ErrorView>(`/namespaces/${NS}/files`);
    expect(noPath.status).toBe(400);
    expect(noPath.body.field).toBe('path');
    const notMultipart = await httpJson<ErrorView>(`${api}/api/v1/namespaces/${NS}/files?path=/x.txt`, { method: 'POST', headers: { 'content-type': 'text/plain' }, body: 'x' });
    expect(notMultipart.status).toBe(400);
  });

  it('sets, types, lists and deletes KV entries, which flows read', async () => {
    const ns = `${NS}.team`;
    expect((await putKv(ns, 'greeting', '"hello from the API"', 'application/json')).status).toBe(200);
    expect((await putKv(ns, 'count', '42', 'application/json')).status).toBe(200);
    expect((await putKv(ns, 'config', '{"a": [1, 2]}', 'application/json')).status).toBe(200);
    expect((await putKv(ns, 'plain', 'just text', 'text/plain')).status).toBe(200);
    expect((await putKv(ns, 'when', '2024-05-01', 'text/plain')).status).toBe(200);
    expect((await putKv(ns, 'wait', 'PT5M', 'text/plain')).status).toBe(200);

    expect((await get(`/namespaces/${ns}/kv/greeting`)).body).toEqual({ type: 'STRING', value: 'hello from the API', updated: expect.any(String) });
    expect((await get(`/namespaces/${ns}/kv/count`)).body).toEqual({ type: 'NUMBER', value: 42, updated: expect.any(String) });
    expect((await get(`/namespaces/${ns}/kv/config`)).body).toEqual({ type: 'JSON', value: { a: [1, 2] }, updated: expect.any(String) });
    expect((await get(`/namespaces/${ns}/kv/plain`)).body).toEqual({ type: 'STRING', value: 'just text', updated: expect.any(String) });
    expect((await get(`/namespaces/${ns}/kv/when`)).body).toEqual({ type: 'DATE', value: '2024-05-01', updated: expect.any(String) });
    expect((await get(`/namespaces/${ns}/kv/wait`)).body).toEqual({ type: 'DURATION', value: 'PT5M', updated: expect.any(String) });

    // The KV task of a flow reads what the API wrote: one store.
    const run = await httpJson<{ state: { current: string }; taskRunList: { outputs?: { value?: unknown } }[] }>(`${api}/api/v1/executions/${ns}/reader?wait=true`, { method: 'POST' });
    expect(run.body.state.current).toBe('SUCCESS');
    expect(run.body.taskRunList[0]!.outputs?.value).toBe('hello from the API');

    const listed = await get<{ key: string; updateDate: string; expirationDate?: string }[]>(`/namespaces/${ns}/kv`);
    expect(listed.body.map((e) => e.key)).toEqual(['config', 'count', 'greeting', 'plain', 'wait', 'when']);
    expect(Number.isNaN(Date.parse(listed.body[0]!.updateDate))).toBe(false);
    // Kestra's KVEntry fields; the store keeps one date per key, so creation and update date are the last write.
    expect(listed.body[0]).toEqual({ namespace: ns, key: 'config', creationDate: listed.body[0]!.updateDate, updateDate: expect.any(String) });
    // The keys of every namespace, and those a namespace sees from its parents.
    const all = await get<{ results: { namespace: string; key: string }[]; total: number }>(`/kv?filters[namespace][EQUALS]=${ns}&sort=key:desc`);
    expect(all.body.results.map((e) => `${e.namespace}/${e.key}`)).toEqual(['when', 'wait', 'plain', 'greeting', 'count', 'config'].map((k) => `${ns}/${k}`));
    expect(all.body.total).toBe(6);
    const child = await get<{ key: string; namespace: string }[]>(`/namespaces/${ns}.child/kv/inheritance`);
    expect(child.body.map((e) => e.key)).toEqual(['config', 'count', 'greeting', 'plain', 'wait', 'when']);

    expect((await httpJson(`${api}/api/v1/namespaces/${ns}/kv/plain`, { method: 'DELETE' })).body).toBe(true);
    expect((await httpJson(`${api}/api/v1/namespaces/${ns}/kv/plain`, { method: 'DELETE' })).body).toBe(false);
    expect((await get<ErrorView>(`/namespaces/${ns}/kv/plain`)).status).toBe(404);
    const bulk = await httpJson<{ keys: string[] }>(`${api}/api/v1/namespaces/${ns}/kv`, {
      method: 'DELETE',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ keys: ['count', 'config', 'missing'] }),
    });
    expect(bulk.body).toEqual({ keys: ['count', 'config'] });
  });

  it('expires KV entries after their ttl', async () => {
    expect((await putKv(NS, 'short-lived', '"soon gone"', 'application/json', { ttl: 'PT0.5S' })).status).toBe(200);
    const entry = await get<{ key: string; expirationDate?: string }[]>(`/namespaces/${NS}/kv`);
    expect(entry.body.find((e) => e.key === 'short-lived')?.expirationDate).toEqual(expect.any(String));
    expect((await get(`/namespaces/${NS}/kv/short-lived`)).status).toBe(200);
    await new Promise((r) => setTimeout(r, 700));
    expect((await get(`/namespaces/${NS}/kv/short-lived`)).status).toBe(404);
    expect((await get<{ key: string }[]>(`/namespaces/${NS}/kv`)).body.map((e) => e.key)).not.toContain('short-lived');
  });

  it('answers bad KV input with a 400 naming the field', async () => {
    const cases: [Promise<{ status: number; body: ErrorView | undefined }>, string | undefined][] = [
      [putKv(NS, 'ok', '"x"', 'application/json', { ttl: 'one hour' }), 'ttl'],
      [putKv(NS, 'ok', '"x"', 'application/json', { ttl: 'PT0S' }), 'ttl'],
      [putKv(NS, '-bad', '"x"', 'application/json'), 'key'],
      [putKv(NS, 'ok', '{not json', 'application/json'), undefined],
      [putKv(NS, 'ok', 'x', 'application/octet-stream'), 'body'],
      [putKv('bad..ns', 'ok', '"x"', 'application/json'), 'namespace'],
    ];
    for (const [request, field] of cases) {
      const answer = await request;
      expect(answer.status).toBe(400);
      expectCleanError(answer.body);
      if (field) expect(answer.body!.field).toBe(field);
    }
    const bulk = await httpJson<ErrorView>(`${api}/api/v1/namespaces/${NS}/kv`, { method: 'DELETE', headers: { 'content-type': 'application/json' }, body: '{"keys": "a"}' });
    expect(bulk.status).toBe(400);
    expect(bulk.body.field).toBe('keys');
    expect((await get(`/namespaces/${NS}/kv/ok`)).status).toBe(404);
  });
});
