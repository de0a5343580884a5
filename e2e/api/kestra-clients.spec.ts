import { join } from 'node:path';
import { ensureKestraClients, KESTRA_CLIENTS } from '../../scripts/kestra-clients.mjs';
import { startDeployment, type Deployment } from '../support/deployment.js';
import { httpJson } from '../support/osprey-process.js';
import { repoRoot, runBounded } from '../support/osprey-cli.js';

/**
 * Kestra's own Python API clients, from PyPI, pinned in scripts/kestra-clients.mjs and not patched, drive
 * `osprey server local` through a user story (e2e/api/kestra-clients/*_story.py): flows from YAML, a search by
 * namespace, an execution with inputs and labels followed to its end, its logs and outputs, a kill, a restart, KV
 * set/get/list, deletes, a replay, the resume of a paused execution, bulk kills and deletes by ids and by query.
 * Both build every path as `/api/v1/{tenant}/...`. A call stopped by the client's own bug is
 * printed `upstream <issue>` by the story, after the same request answered 2xx; the set of them is pinned here.
 */

const STORIES = join(repoRoot, 'e2e/api/kestra-clients');
const RUN_LIMIT_MS = 5 * 60_000;

describe(`Kestra's Python API clients (${Object.entries(KESTRA_CLIENTS).map(([n, v]) => `${n} ${v}`).join(', ')})`, () => {
  let deployment: Deployment;
  let python: string;

  beforeAll(async () => {
    python = ensureKestraClients({ log: (message) => process.stdout.write(`[kestra-clients] ${message}\n`) });
    deployment = await startDeployment('local');
  }, 10 * 60_000);

  afterAll(async () => {
    await deployment?.stop();
  });

  it('serves the tenant paths the clients build, and names the tenant served for another one', async () => {
    const api = `${deployment.api}/api/v1`;
    expect((await httpJson(`${api}/main/flows/search`)).status).toBe(200);
    const other = await httpJson<{ message: string; tenant: string }>(`${api}/acme/flows/search`);
    expect(other.status).toBe(404);
    expect(other.body).toEqual({ tenant: 'main', message: expect.stringContaining('tenant "acme" is not served') });
    // Both path forms are in the OpenAPI document.
    const document = await httpJson<{ paths: Record<string, unknown> }>(`${api}/openapi.json`);
    expect(Object.keys(document.body.paths)).toEqual(expect.arrayContaining(['/api/v1/flows/search', '/api/v1/{tenant}/flows/search', '/api/v1/{tenant}/executions/{executionId}/actions/kill']));
  });

  it('answers pause and change-status with a 501 naming the feature, never as starting flow `{id}.pause`', async () => {
    for (const path of ['executions/some-id/pause', 'executions/some-id/actions/pause', 'main/executions/some-id/change-status', 'main/executions/some-id/actions/change-status']) {
      const answer = await httpJson<{ message: string }>(`${deployment.api}/api/v1/${path}`, { method: 'POST' });
      expect({ path, status: answer.status, message: answer.body.message }).toEqual({ path, status: 501, message: expect.stringMatching(/^not supported by Osprey: (pausing|changing)/) });
    }
  });

  it('runs the story through kestrapy: every call answers and is deserialized', async () => {
    const run = await runStory(python, 'kestrapy_story.py', deployment.api, 'io.osprey.clients.kestrapy');
    expect({ code: run.code, output: run.output }).toEqual({ code: 0, output: expect.stringContaining('story complete') });
    expect(steps(run.output).filter((s) => s.startsWith('upstream'))).toEqual([]);
    expect(steps(run.output)).toEqual(
      expect.arrayContaining([
        'ok executions.kill_execution',
        'ok executions.restart_execution',
        'ok executions.replay_execution',
        'ok executions.resume_execution',
        'ok executions.kill_executions_by_ids',
        'ok executions.kill_executions_by_query',
        'ok executions.delete_executions_by_ids',
        'ok executions.delete_executions_by_query',
        'ok kv.list_all_keys',
        'ok kv.list_keys_with_inheritance',
      ]),
    );
  }, RUN_LIMIT_MS);

  it('runs the story through kestra-api-client: the calls its generated models cannot read are the known upstream ones', async () => {
    const run = await runStory(python, 'kestra_api_client_story.py', deployment.api, 'io.osprey.clients.generated');
    expect({ code: run.code, output: run.output }).toEqual({ code: 0, output: expect.stringContaining('story complete') });
    const upstream = steps(run.output)
      .filter((s) => s.startsWith('upstream'))
      .map((s) => s.split(': ').slice(0, 2).join(': '));
    expect(upstream).toEqual([
      'upstream flows.update_flow: https://github.com/kestra-io/kestra/pull/12644',
      'upstream executions.create_execution with inputs and labels: https://github.com/kestra-io/client-sdk/issues/80',
      'upstream executions.execution: https://github.com/kestra-io/client-sdk/issues/60',
      'upstream executions.create_execution (slow): https://github.com/kestra-io/client-sdk/issues/80',
      'upstream executions.replay_execution: https://github.com/kestra-io/client-sdk/issues/60',
      'upstream executions.create_execution (pausing): https://github.com/kestra-io/client-sdk/issues/80',
      ...Array<string>(4).fill('upstream executions.create_execution (slow): https://github.com/kestra-io/client-sdk/issues/80'),
      'upstream kv.get_key_value: https://github.com/kestra-io/client-sdk/issues/60 (KVControllerTypedValue.value)',
    ]);
    expect(steps(run.output)).toEqual(
      expect.arrayContaining([
        'ok executions.kill_execution',
        'ok executions.resume_execution',
        'ok executions.kill_executions_by_ids',
        'ok executions.kill_executions_by_query',
        'ok executions.delete_executions_by_ids',
        'ok executions.delete_executions_by_query',
        'ok kv.list_keys',
        'ok kv.list_keys_with_inheritence',
        'ok flows.delete_flow',
      ]),
    );
  }, RUN_LIMIT_MS);
});

function steps(output: string): string[] {
  return output.split('\n').filter((line) => line.startsWith('ok ') || line.startsWith('upstream '));
}

/** Runs one story script to its end (bounded), its output printed for the CI log. */
async function runStory(python: string, script: string, api: string, namespace: string): Promise<{ code: number | null; output: string }> {
  const run = await runBounded([python, '-W', 'ignore', join(STORIES, script), api, 'main', namespace], RUN_LIMIT_MS - 10_000);
  process.stdout.write(`[${script}]\n${run.output}\n`);
  return run;
}
