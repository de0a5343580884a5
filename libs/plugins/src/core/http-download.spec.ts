import { afterAll, beforeAll, beforeEach, describe, expect, it } from '@jest/globals';
import { createHash } from 'node:crypto';
import { startRecordingHttpServer, type RecordedRequest, type RecordingHttpServer } from '../testing/index.js';
import { taskContexts } from '../testing/task-contexts.fixture.js';
import { HttpDownloadTask } from './http-download.js';

// A local server: /data.csv a small file, /big 3 MiB sent in chunks, /named with a Content-Disposition, /empty nothing.
const BIG = Buffer.alloc(3 * 1024 * 1024, 'abcdefgh');
let server: RecordingHttpServer;
let base: string;
let seen: RecordedRequest[];
beforeAll(async () => {
  server = await startRecordingHttpServer((request, res) => {
    const url = new URL(request.url, 'http://localhost');
    switch (url.pathname) {
      case '/files/data.csv':
        res.writeHead(200, { 'content-type': 'text/csv', 'content-length': '8' });
        res.end('a,b\n1,2\n');
        break;
      case '/big':
        res.writeHead(200, { 'content-type': 'application/octet-stream' });
        for (let offset = 0; offset < BIG.length; offset += 65536) res.write(BIG.subarray(offset, offset + 65536));
        res.end();
        break;
      case '/named':
        res.writeHead(200, { 'content-disposition': `attachment; filename="../../etc/report 2024.txt"` });
        res.end('report');
        break;
      case '/empty':
        res.writeHead(200);
        res.end();
        break;
      default:
        res.writeHead(404, { 'content-type': 'text/plain', 'content-length': '9' });
        res.end('not found');
    }
  });
  base = server.url;
  seen = server.requests;
});
afterAll(() => server.close());
beforeEach(() => void seen.splice(0));

describe.each(['io.kestra.plugin.core.http.Download', 'io.kestra.plugin.fs.http.Download'])('%s', (type) => {
  const download = taskContexts({ id: 'download', type });

  it('stores the body with the extension of the URI and outputs uri, code, length and headers', async () => {
    const ctx = await download.context({ uri: `${base}/files/data.csv?x={{ flow.id }}` });
    const { outputs } = await new HttpDownloadTask().run(ctx);
    expect(outputs).toMatchObject({ uri: expect.stringMatching(/^kestra:\/\/\/.*\.csv$/), code: 200, length: 8 });
    expect((outputs!['headers'] as Record<string, string[]>)['content-type']).toEqual(['text/csv']);
    expect(await download.read(ctx, outputs!['uri'] as string)).toBe('a,b\n1,2\n');
    expect(seen[0]).toMatchObject({ method: 'GET', url: '/files/data.csv?x=test-flow' });
    expect(ctx.metrics).toEqual([{ name: 'response.length', type: 'counter', value: 8 }]);
  });

  it('streams a body larger than the Request task keeps in memory, byte for byte', async () => {
    const ctx = await download.context({ uri: `${base}/big` });
    const { outputs } = await new HttpDownloadTask().run(ctx);
    expect(outputs!['length']).toBe(BIG.length);
    const stored = Buffer.from(await download.read(ctx, outputs!['uri'] as string), 'utf8');
    expect(createHash('sha256').update(stored).digest('hex')).toBe(createHash('sha256').update(BIG).digest('hex'));
  });

  it('names the file after the Content-Disposition filename, without its path', async () => {
    const ctx = await download.context({ uri: `${base}/named`, method: 'POST', body: '{"q": 1}' });
    const { outputs } = await new HttpDownloadTask().run(ctx);
    expect(outputs!['uri']).toMatch(/\/report_2024\.txt$/);
    expect(seen[0]).toMatchObject({ method: 'POST', body: '{"q": 1}' });
  });

  it('fails on an error code or an empty body unless allowed', async () => {
    await expect(new HttpDownloadTask().run(await download.context({ uri: `${base}/missing` }))).rejects.toThrow("Failed http request with response code '404'");
    await expect(new HttpDownloadTask().run(await download.context({ uri: `${base}/empty` }))).rejects.toThrow(/empty body/);
    const empty = await download.context({ uri: `${base}/empty`, failOnEmptyResponse: false });
    expect((await new HttpDownloadTask().run(empty)).outputs).toMatchObject({ code: 200, length: 0 });
    const allowed = await download.context({ uri: `${base}/missing`, options: { allowFailed: true } });
    expect((await new HttpDownloadTask().run(allowed)).outputs).toMatchObject({ code: 404, length: 9 });
  });

  it('fails when the body exceeds an options.maxContentLength the flow sets', async () => {
    const ctx = await download.context({ uri: `${base}/big`, options: { maxContentLength: 1024 } });
    await expect(new HttpDownloadTask().run(ctx)).rejects.toThrow(/larger than options.maxContentLength \(1024 bytes\)/);
    const unreadable = await download.context({ uri: `${base}/big`, options: { maxContentLength: '{{ inputs.max }}' } }, { inputs: { max: '1 KB' } });
    await expect(new HttpDownloadTask().run(unreadable)).rejects.toThrow("Invalid property 'options.maxContentLength': expected an integer, got '1 KB'");
  });
});
