import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { startDeployment, TOPOLOGIES, type Deployment } from '../support/deployment.js';
import { httpJson } from '../support/osprey-process.js';

/**
 * The webserver serves the web UI at `/`: its files, index.html for any other page path (the UI's router reads
 * it), and never in place of the API, health or metrics. The UI's files need no credentials; the API does.
 */

const TOKEN = 'osprey-ui-token-0123456789abcdef';
const AUTH = { authorization: `Bearer ${TOKEN}` };
const INDEX = '<!doctype html><html><head><script type="module" src="/assets/index-Ab12Cd34.js"></script></head><body><div id="root"></div></body></html>\n';
const SCRIPT = 'console.log("osprey ui");\n';
const repoRoot = join(dirname(fileURLToPath(import.meta.url)), '../..');

/** A fetch that reads the whole body, so no answer holds its connection open past the test. */
async function get(url: string, init?: RequestInit): Promise<{ status: number; headers: Headers; text: string }> {
  const answer = await fetch(url, init);
  return { status: answer.status, headers: answer.headers, text: await answer.text() };
}

function fakeBuild(): string {
  const dir = mkdtempSync(join(tmpdir(), 'osprey-ui-'));
  mkdirSync(join(dir, 'assets'));
  writeFileSync(join(dir, 'index.html'), INDEX);
  writeFileSync(join(dir, 'assets', 'index-Ab12Cd34.js'), SCRIPT);
  writeFileSync(join(dir, 'favicon.svg'), '<svg xmlns="http://www.w3.org/2000/svg"/>');
  return dir;
}

describe.each(TOPOLOGIES)('web UI served by the webserver (%s)', (topology) => {
  let deployment: Deployment;
  let api: string;
  let uiDir: string;

  beforeAll(async () => {
    uiDir = fakeBuild();
    deployment = await startDeployment(topology, { env: { OSPREY_UI_DIR: uiDir, OSPREY_AUTH_TOKENS: TOKEN } });
    api = deployment.api;
  }, 60_000);
  afterAll(async () => {
    await deployment?.stop();
    rmSync(uiDir, { recursive: true, force: true });
  }, 30_000);

  it('serves index.html at / and at deep links, without credentials and revalidated on each load', async () => {
    for (const path of ['/', '/flows', '/flows/company.team/hello', '/executions/6Lkx0q?tab=gantt', '/login']) {
      const answer = await get(`${api}${path}`);
      expect({ path, status: answer.status }).toEqual({ path, status: 200 });
      expect(answer.headers.get('content-type')).toBe('text/html; charset=utf-8');
      expect(answer.headers.get('cache-control')).toBe('no-cache');
      expect(answer.text).toBe(INDEX);
    }
  });

  it('serves hashed assets with their content type, cached for good, and 404 for a missing one', async () => {
    const script = await get(`${api}/assets/index-Ab12Cd34.js`);
    expect(script.status).toBe(200);
    expect(script.headers.get('content-type')).toBe('text/javascript; charset=utf-8');
    expect(script.headers.get('cache-control')).toBe('public, max-age=31536000, immutable');
    expect(script.text).toBe(SCRIPT);
    const etag = script.headers.get('etag')!;
    expect((await get(`${api}/assets/index-Ab12Cd34.js`, { headers: { 'if-none-match': etag } })).status).toBe(304);
    expect((await get(`${api}/favicon.svg`)).headers.get('content-type')).toBe('image/svg+xml');
    const missing = await get(`${api}/assets/index-Old00000.js`);
    expect(missing.status).toBe(404);
    expect(missing.headers.get('content-type')).not.toContain('html');
    expect((await get(`${api}/../../etc/passwd`)).status).not.toBe(500);
    const traversal = await get(`${api}/%2e%2e/%2e%2e/etc/passwd`);
    expect(traversal.text).not.toContain('root:');
  });

  it('leaves the API, health and metrics to the server: JSON 404 for an unknown API path, 401 without credentials', async () => {
    const unknown = await httpJson<{ message: string }>(`${api}/api/v1/no/such/endpoint`, { headers: AUTH });
    expect(unknown.status).toBe(404);
    expect(unknown.body.message).toEqual(expect.any(String));
    expect((await get(`${api}/API/V1/no/such/endpoint`, { headers: AUTH })).headers.get('content-type')).toContain('application/json');
    expect((await get(`${api}/api/v1/flows/search`)).status).toBe(401);
    expect((await get(`${api}/api`)).status).toBe(401);
    expect((await get(`${api}/health/live`)).headers.get('content-type')).toContain('application/json');
    expect(await (await get(`${api}/metrics`)).text).toContain('# HELP');
    // Only GET and HEAD are UI pages: a POST to a page path is the server's (401 here, behind credentials).
    expect((await get(`${api}/flows`, { method: 'POST' })).status).toBe(401);
  });

  it('serves the flow JSON Schema and the plugin list the editor completes with', async () => {
    const schema = await httpJson<{ $schema: string; definitions: Record<string, unknown> }>(`${api}/api/v1/plugins/schemas/flow`, { headers: AUTH });
    expect(schema.status).toBe(200);
    expect(schema.body.$schema).toBe('http://json-schema.org/draft-07/schema#');
    expect(schema.body.definitions['io.kestra.plugin.core.log.Log']).toBeDefined();
    const plugins = await httpJson<{ name: string; tasks: { cls: string }[]; triggers: { cls: string }[] }[]>(`${api}/api/v1/plugins`, { headers: AUTH });
    expect(plugins.status).toBe(200);
    const core = plugins.body.find((p) => p.name === 'core');
    expect(core?.tasks).toContainEqual({ cls: 'io.kestra.plugin.core.log.Log' });
    expect(core?.triggers).toContainEqual({ cls: 'io.kestra.plugin.core.trigger.Schedule' });
  });
});

describe('web UI not built', () => {
  let deployment: Deployment;
  let empty: string;

  beforeAll(async () => {
    empty = mkdtempSync(join(tmpdir(), 'osprey-no-ui-'));
    deployment = await startDeployment('local', { env: { OSPREY_UI_DIR: empty } });
  }, 60_000);
  afterAll(async () => {
    await deployment?.stop();
    rmSync(empty, { recursive: true, force: true });
  }, 30_000);

  it('answers / with a page that says how to build the UI, never a 404', async () => {
    for (const path of ['/', '/flows/a/b']) {
      const answer = await get(`${deployment.api}${path}`);
      expect(answer.status).toBe(200);
      expect(answer.headers.get('content-type')).toBe('text/html; charset=utf-8');
      expect(answer.text).toMatch(/UI is not built[\s\S]*vite build/);
    }
    expect((await get(`${deployment.api}/api/v1/no/such/endpoint`)).status).toBe(404);
  });
});

describe('web UI build of this repository', () => {
  let deployment: Deployment;

  beforeAll(async () => {
    deployment = await startDeployment('local');
  }, 60_000);
  afterAll(async () => {
    await deployment?.stop();
  }, 30_000);

  it('is found above the osprey command (apps/ui/dist) and served with its hashed script', async () => {
    // npm test builds the UI first (scripts/ensure-deps.mjs); run `cd apps/ui && npx vite build` when running this alone.
    expect(existsSync(join(repoRoot, 'apps/ui/dist/index.html'))).toBe(true);
    const built = readFileSync(join(repoRoot, 'apps/ui/dist/index.html'), 'utf8');
    const index = await get(`${deployment.api}/flows/company.team/hello`);
    expect(index.text).toBe(built);
    const script = /<script type="module" crossorigin src="([^"]+)"/.exec(built)?.[1];
    expect(script).toMatch(/^\/assets\/index-[\w-]+\.js$/);
    const answer = await get(`${deployment.api}${script}`);
    expect(answer.status).toBe(200);
    expect(answer.headers.get('content-type')).toBe('text/javascript; charset=utf-8');
  });
});
