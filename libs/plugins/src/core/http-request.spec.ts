import { afterAll, afterEach, beforeAll, describe, expect, it } from '@jest/globals';
import type { Task } from '@osprey/flow-model';
import { createTestRunContext, startRecordingHttpServer, type RecordedRequest, type RecordingHttpServer, type TestRunContext } from '../testing/index.js';
import { TaskAbortedError } from '../support/task-errors.js';
import { HttpRequestTask } from './http-request.js';

let server: RecordingHttpServer;
let base: string;
let seen: RecordedRequest[];
beforeAll(async () => {
  server = await startRecordingHttpServer((request, res) => {
    const url = new URL(request.url, 'http://localhost');
    if (url.pathname === '/status') {
      res.writeHead(Number(url.searchParams.get('code')), { 'content-type': 'text/plain' });
      res.end(`status ${url.searchParams.get('code')}`);
    } else if (url.pathname === '/slow') {
      setTimeout(() => res.end('late'), 60_000).unref();
    } else if (url.pathname === '/big') {
      res.end(Buffer.alloc(2048, 'x'));
    } else if (url.pathname === '/redirect') {
      res.writeHead(302, { location: '/json' });
      res.end();
    } else if (url.pathname === '/empty') {
      res.writeHead(204);
      res.end();
    } else {
      res.setHeader('set-cookie', ['a=1', 'b=2']);
      res.writeHead(200, { 'content-type': 'application/json', 'x-test': 'yes' });
      res.end(JSON.stringify({ ok: true, path: url.pathname }));
    }
  });
  base = server.url;
  seen = server.requests;
});
afterAll(() => server.close());

const contexts: TestRunContext[] = [];
async function context(properties: Record<string, unknown>, variables?: Record<string, unknown>) {
  const ctx = await createTestRunContext({ task: { id: 'http', type: 'io.kestra.plugin.core.http.Request', ...properties } as Task, variables });
  contexts.push(ctx);
  return ctx;
}
afterEach(async () => {
  seen.length = 0;
  await Promise.all(contexts.splice(0).map((ctx) => ctx.dispose()));
});

describe('HttpRequestTask', () => {
  it('GETs the rendered uri and outputs code, headers, body and uri', async () => {
    const ctx = await context({ uri: '{{ inputs.base }}/json', headers: { 'user-agent': 'kestra-{{ task.id }}' } }, { inputs: { base } });
    const { outputs } = await new HttpRequestTask().run(ctx);
    expect(outputs).toMatchObject({ uri: `${base}/json`, code: 200, body: '{"ok":true,"path":"/json"}' });
    const headers = outputs?.['headers'] as Record<string, string[]>;
    expect(headers['x-test']).toEqual(['yes']);
    expect(headers['set-cookie']).toEqual(['a=1', 'b=2']);
    expect(seen[0]).toMatchObject({ method: 'GET', url: '/json' });
    expect(seen[0]!.headers['user-agent']).toBe('kestra-http');
  });

  it('POSTs a rendered body with the content type, application/json by default', async () => {
    const ctx = await context({ uri: `${base}/json`, method: 'post', body: '{"name": "{{ inputs.name }}"}' }, { inputs: { name: 'Ada' } });
    await new HttpRequestTask().run(ctx);
    expect(seen[0]).toMatchObject({ method: 'POST', body: '{"name": "Ada"}' });
    expect(seen[0]!.headers['content-type']).toBe('application/json');

    await new HttpRequestTask().run(await context({ uri: `${base}/json`, method: 'PUT', body: 'plain', contentType: 'text/plain' }));
    expect(seen[1]).toMatchObject({ method: 'PUT', body: 'plain' });
    expect(seen[1]!.headers['content-type']).toBe('text/plain');
  });

  it('adds params to the query string and sends a map body as JSON', async () => {
    await new HttpRequestTask().run(
      await context({ uri: `${base}/json?a=1`, method: 'POST', params: { q: 'x y', id: '{{ task.id }}' }, body: { name: '{{ task.id }}', n: 1 } }),
    );
    expect(seen[0]!.url).toBe('/json?a=1&q=x+y&id=http');
    expect(JSON.parse(seen[0]!.body)).toEqual({ name: 'http', n: 1 });
  });

  it('sends formData url-encoded', async () => {
    await new HttpRequestTask().run(await context({ uri: `${base}/json`, method: 'POST', formData: { user: 'u {{ task.id }}', password: 'p&w' } }));
    expect(seen[0]!.headers['content-type']).toBe('application/x-www-form-urlencoded;charset=UTF-8');
    expect(new URLSearchParams(seen[0]!.body)).toEqual(new URLSearchParams({ user: 'u http', password: 'p&w' }));
  });

  it('sends multipart formData, with kestra:// values as file parts', async () => {
    const inputs: Record<string, string> = {};
    const ctx = await context(
      {
        uri: `${base}/json`,
        method: 'POST',
        contentType: 'multipart/form-data',
        formData: { user: 'John', file: '{{ inputs.file }}', named: { name: 'my.txt', content: '{{ inputs.file }}' } },
      },
      { inputs },
    );
    inputs['file'] = await ctx.storage.putFile('upload.csv', 'a,b\n1,2\n');
    await new HttpRequestTask().run(ctx);
    const request = seen[0]!;
    expect(request.headers['content-type']).toMatch(/^multipart\/form-data; boundary=/);
    expect(request.body).toContain('name="user"\r\n\r\nJohn');
    expect(request.body).toMatch(/name="file"; filename="upload.csv"\r\nContent-Type: application\/octet-stream\r\n\r\na,b\n1,2\n/);
    expect(request.body).toContain('name="named"; filename="my.txt"');
  });

  it('fails on a response code of 400 or more, naming the code and the body', async () => {
    const ctx = await context({ uri: `${base}/status?code=404` });
    await expect(new HttpRequestTask().run(ctx)).rejects.toThrow("Failed http request with response code '404' and body:\nstatus 404");
  });

  it('outputs a failed response when allowFailed is set, in options or top-level', async () => {
    const inOptions = await new HttpRequestTask().run(await context({ uri: `${base}/status?code=500`, options: { allowFailed: true } }));
    expect(inOptions.outputs).toMatchObject({ code: 500, body: 'status 500' });
    const topLevel = await new HttpRequestTask().run(await context({ uri: `${base}/status?code=503`, allowFailed: 'true' }));
    expect(topLevel.outputs).toMatchObject({ code: 503 });
  });

  it('fails on a code outside options.allowedResponseCodes', async () => {
    await expect(new HttpRequestTask().run(await context({ uri: `${base}/status?code=201`, options: { allowedResponseCodes: [200] } }))).rejects.toThrow(
      "response code '201'",
    );
  });

  it('follows redirects unless told not to', async () => {
    expect((await new HttpRequestTask().run(await context({ uri: `${base}/redirect` }))).outputs).toMatchObject({ code: 200 });
    const manual = await new HttpRequestTask().run(await context({ uri: `${base}/redirect`, options: { followRedirects: false } }));
    expect(manual.outputs).toMatchObject({ code: 302 });
  });

  it('outputs no body for an empty response', async () => {
    const { outputs } = await new HttpRequestTask().run(await context({ uri: `${base}/empty` }));
    expect(outputs).toMatchObject({ code: 204 });
    expect(outputs).not.toHaveProperty('body');
  });

  it('fails when the response is larger than options.maxContentLength', async () => {
    await expect(new HttpRequestTask().run(await context({ uri: `${base}/big`, options: { maxContentLength: 1024 } }))).rejects.toThrow(
      'maxContentLength',
    );
  });

  it('refuses a size limit or an allowed code rendered to no integer, naming the option, before sending', async () => {
    const inputs = { inputs: { text: 'lots' } };
    await expect(new HttpRequestTask().run(await context({ uri: `${base}/big`, options: { maxContentLength: '{{ inputs.text }}' } }, inputs))).rejects.toThrow(
      "Invalid property 'options.maxContentLength': expected an integer, got 'lots'",
    );
    await expect(new HttpRequestTask().run(await context({ uri: `${base}/json`, options: { allowedResponseCodes: [200, '{{ inputs.text }}'] } }, inputs))).rejects.toThrow(
      "Invalid property 'options.allowedResponseCodes[1]': expected an integer, got 'lots'",
    );
    expect(seen).toEqual([]);
  });

  it('times out on options.readTimeout', async () => {
    const started = Date.now();
    await expect(new HttpRequestTask().run(await context({ uri: `${base}/slow`, options: { readTimeout: 'PT0.2S' } }))).rejects.toThrow(
      'timed out after 200 ms',
    );
    expect(Date.now() - started).toBeLessThan(10_000);
  });

  it('stops at once when the run is aborted', async () => {
    const ctx = await context({ uri: `${base}/slow` });
    const run = new HttpRequestTask().run(ctx);
    setTimeout(() => ctx.abort(), 100);
    await expect(run).rejects.toThrow(TaskAbortedError);
  });

  it('fails clearly when the server cannot be reached', async () => {
    await expect(new HttpRequestTask().run(await context({ uri: 'http://127.0.0.1:1/' }))).rejects.toThrow('HTTP request to http://127.0.0.1:1/ failed');
  });

  it('sends basic and bearer authorization from options.auth', async () => {
    await new HttpRequestTask().run(await context({ uri: `${base}/json`, options: { auth: { type: 'BASIC', username: 'u', password: 'p' } } }));
    expect(seen[0]!.headers['authorization']).toBe(`Basic ${Buffer.from('u:p').toString('base64')}`);
    await new HttpRequestTask().run(await context({ uri: `${base}/json`, options: { auth: { type: 'BEARER', token: 't0k' } } }));
    expect(seen[1]!.headers['authorization']).toBe('Bearer t0k');
  });

  it('rejects a uri that is not an absolute URL', async () => {
    await expect(new HttpRequestTask().run(await context({ uri: '/relative' }))).rejects.toThrow("Invalid property 'uri'");
  });
});
