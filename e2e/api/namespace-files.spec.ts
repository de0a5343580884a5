import { startDeployment, type Deployment } from '../support/deployment.js';
import { httpJson } from '../support/osprey-process.js';
import { zipEntries } from '../support/zip-entries.js';

/** Namespace file folders, moves, search and export over HTTP on `osprey server local` (embedded SQLite). */

const NS = 'io.osprey.nsfiles';

interface ErrorView {
  message: string;
  field?: string;
}
interface FileAttributes {
  fileName: string;
  type: 'File' | 'Directory';
}

describe('namespace files API (local)', () => {
  let deployment: Deployment;
  let api: string;

  const call = <T>(method: string, path: string) => httpJson<T>(`${api}/api/v1${path}`, { method });
  const upload = async (path: string, content: string) => {
    const form = new FormData();
    form.append('fileContent', new Blob([content]), 'upload.bin');
    const answer = await httpJson(`${api}/api/v1/namespaces/${NS}/files?path=${encodeURIComponent(path)}`, { method: 'POST', body: form });
    expect(answer.status).toBe(200);
  };
  const names = async (path: string) =>
    (await call<FileAttributes[]>('GET', `/namespaces/${NS}/files/directory?path=${encodeURIComponent(path)}`)).body.map((f) => [f.fileName, f.type]).sort();

  beforeAll(async () => {
    deployment = await startDeployment('local');
    api = deployment.api;
    const flow = `id: lister\nnamespace: ${NS}\ntasks:\n  - id: log\n    type: io.kestra.plugin.core.log.Log\n    message: hi\n`;
    expect((await httpJson(`${api}/api/v1/flows`, { method: 'POST', headers: { 'content-type': 'application/x-yaml' }, body: flow })).status).toBe(200);
  }, 60_000);
  afterAll(async () => {
    await deployment?.stop();
  });

  it('creates folders (also under the tenant path), which stay empty until their last file goes', async () => {
    expect((await call('POST', `/namespaces/${NS}/files/directory?path=/empty`)).status).toBe(200);
    expect((await call('POST', `/main/namespaces/${NS}/files/directory?path=/scripts/py`)).status).toBe(200);
    expect(await names('/')).toEqual([['empty', 'Directory'], ['scripts', 'Directory']]);
    expect(await names('/empty')).toEqual([]);
    await upload('/scripts/py/main.py', 'print(1)');
    expect((await call('DELETE', `/namespaces/${NS}/files?path=/scripts/py/main.py`)).status).toBe(204);
    expect(await names('/')).toEqual([['empty', 'Directory']]);
    const reserved = await call<ErrorView>('POST', `/namespaces/${NS}/files/directory?path=/_flows`);
    expect(reserved.status).toBe(400);
    expect(reserved.body.field).toBe('path');
    const zip = new FormData();
    zip.append('fileContent', new Blob(['PK']), 'bundle.zip');
    const unpack = await httpJson<ErrorView & { feature: string }>(`${api}/api/v1/namespaces/${NS}/files?path=/bundle.zip`, { method: 'POST', body: zip });
    expect(unpack.status).toBe(501);
    expect(unpack.body.feature).toMatch(/unpacking a \.zip upload/);
  });

  it('moves a file or a folder, refusing an existing target with a 400 naming `to`', async () => {
    await upload('/src/a.txt', 'A');
    await upload('/src/deep/b.txt', 'B');
    await upload('/other.txt', 'O');
    expect((await call('PUT', `/namespaces/${NS}/files?from=/src&to=/dst`)).status).toBe(200);
    expect(await names('/dst')).toEqual([['a.txt', 'File'], ['deep', 'Directory']]);
    const moved = await fetch(`${api}/api/v1/namespaces/${NS}/files?path=/dst/deep/b.txt`);
    expect(await moved.text()).toBe('B');
    const taken = await call<ErrorView>('PUT', `/main/namespaces/${NS}/files?from=/other.txt&to=/dst/a.txt`);
    expect(taken.status).toBe(400);
    expect(taken.body.field).toBe('to');
    expect((await call<ErrorView>('PUT', `/namespaces/${NS}/files?from=/nothing&to=/x`)).status).toBe(404);
    const missing = await call<ErrorView>('PUT', `/namespaces/${NS}/files?from=/other.txt`);
    expect(missing.status).toBe(400);
    expect(missing.body.field).toBe('to');
  });

  it('searches file paths and exports files and flows as a ZIP', async () => {
    const found = await call<string[]>('GET', `/namespaces/${NS}/files/search?q=.txt`);
    expect(found.status).toBe(200);
    expect(found.body).toEqual(['/dst/a.txt', '/dst/deep/b.txt', '/other.txt']);
    expect((await call<string[]>('GET', `/main/namespaces/${NS}/files/search?q=deep`)).body).toEqual(['/dst/deep/b.txt']);
    const noQuery = await call<ErrorView>('GET', `/namespaces/${NS}/files/search`);
    expect(noQuery.status).toBe(400);
    expect(noQuery.body.field).toBe('q');

    const exported = await fetch(`${api}/api/v1/main/namespaces/${NS}/files/export`);
    expect(exported.status).toBe(200);
    expect(exported.headers.get('content-disposition')).toBe(`attachment; filename="${NS}_files.zip"`);
    const entries = await zipEntries(Buffer.from(await exported.arrayBuffer()));
    expect(Object.keys(entries).sort()).toEqual(['_flows/lister.yml', 'dst/a.txt', 'dst/deep/b.txt', 'other.txt']);
    expect(entries['dst/deep/b.txt']).toBe('B');
    expect(entries['_flows/lister.yml']).toContain('id: lister');
  });
});
