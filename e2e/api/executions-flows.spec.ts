import { startDeployment, TOPOLOGIES, type Deployment } from '../support/deployment.js';
import { httpJson } from '../support/osprey-process.js';

/**
 * Kestra's execution-side flow reads through HTTP: a flow's executions (`GET /executions`), the flow revision an
 * execution ran and the executable namespaces and flows, as FlowForExecution; and the task runs page size.
 */
interface TaskForExecution {
  id: string;
  type: string;
  tasks?: TaskForExecution[];
  inputs?: { id: string; type: string }[];
  subflowId?: { namespace: string; flowId: string; revision?: number };
}
interface FlowForExecution {
  id: string;
  namespace: string;
  revision: number;
  inputs: { id: string; type: string }[];
  tasks: TaskForExecution[];
  errors: TaskForExecution[];
  finally: TaskForExecution[];
  afterExecution: TaskForExecution[];
  triggers: { id: string; type: string }[];
  disabled: boolean;
  deleted: boolean;
}
interface ExecutionView {
  id: string;
  namespace: string;
  flowId: string;
  flowRevision: number;
  state: { current: string };
}
interface ErrorBody {
  message: string;
}

const NS = 'io.osprey.execflows';
const yaml = { 'content-type': 'application/x-yaml' };

const MAIN = (message: string) => `id: main
namespace: ${NS}
inputs:
  - id: who
    type: STRING
    defaults: world
tasks:
  - id: seq
    type: io.kestra.plugin.core.flow.Sequential
    tasks:
      - id: hello
        type: io.kestra.plugin.core.log.Log
        message: "${message} {{ inputs.who }}"
  - id: gate
    type: io.kestra.plugin.core.flow.If
    condition: "{{ false }}"
    then:
      - id: approve
        type: io.kestra.plugin.core.flow.Pause
        onResume:
          - id: ok
            type: BOOLEAN
            required: false
  - id: call
    type: io.kestra.plugin.core.flow.Subflow
    namespace: ${NS}.child
    flowId: leaf
    wait: false
errors:
  - id: oops
    type: io.kestra.plugin.core.log.Log
    message: failed
triggers:
  - id: hook
    type: io.kestra.plugin.core.trigger.Webhook
    key: execflows-hook
`;
const LEAF = `id: leaf\nnamespace: ${NS}.child\ntasks:\n  - id: t\n    type: io.kestra.plugin.core.log.Log\n    message: leaf\n`;
const GONE = `id: gone\nnamespace: ${NS}.deleted\ntasks:\n  - id: t\n    type: io.kestra.plugin.core.log.Log\n    message: gone\n`;
const CHECKED = `id: checked
namespace: ${NS}
inputs:
  - id: count
    type: INT
  - id: level
    type: ENUM
    values: [LOW, HIGH]
    defaults: LOW
  - id: doc
    type: FILE
    required: false
tasks:
  - id: t
    type: io.kestra.plugin.core.log.Log
    message: "{{ inputs.count }}"
`;
const OTHER = `id: other\nnamespace: ${NS}\ntasks:\n  - id: t\n    type: io.kestra.plugin.core.log.Log\n    message: other\n`;

describe.each(TOPOLOGIES)('execution flow reads (%s)', (topology) => {
  let deployment: Deployment;
  let api: string;
  const v1 = (path: string) => `${api}/api/v1${path}`;
  const get = <T>(path: string) => httpJson<T>(v1(path));
  const runs: ExecutionView[] = [];

  beforeAll(async () => {
    deployment = await startDeployment(topology);
    api = deployment.api;
    for (const source of [MAIN('hello'), LEAF, GONE, OTHER, CHECKED]) {
      expect((await httpJson(v1('/flows'), { method: 'POST', headers: yaml, body: source })).status).toBe(200);
    }
    expect((await httpJson(v1(`/flows/${NS}.deleted/gone`), { method: 'DELETE' })).status).toBe(204);
    // Revision 1 runs twice, then revision 2 once.
    for (let i = 0; i < 2; i++) runs.push((await httpJson<ExecutionView>(v1(`/executions/${NS}/main?wait=true`), { method: 'POST' })).body);
    expect((await httpJson(v1(`/flows/${NS}/main`), { method: 'PUT', headers: yaml, body: MAIN('hi') })).status).toBe(200);
    runs.push((await httpJson<ExecutionView>(v1(`/executions/${NS}/main?wait=true`), { method: 'POST' })).body);
    await httpJson(v1(`/executions/${NS}/other?wait=true`), { method: 'POST' });
  }, 90_000);

  afterAll(async () => {
    await deployment?.stop();
  });

  it("lists a flow's executions, latest first, with Kestra's paging (default size 10)", async () => {
    const all = await get<{ results: ExecutionView[]; total: number }>(`/executions?namespace=${NS}&flowId=main`);
    expect(all.status).toBe(200);
    expect(all.body.total).toBe(3);
    expect(all.body.results.map((e) => e.id)).toEqual([...runs].reverse().map((e) => e.id));
    expect(all.body.results.every((e) => e.namespace === NS && e.flowId === 'main')).toBe(true);
    const second = await get<{ results: ExecutionView[]; total: number }>(`/executions?namespace=${NS}&flowId=main&page=2&size=2`);
    expect(second.body).toMatchObject({ total: 3 });
    expect(second.body.results.map((e) => e.id)).toEqual([runs[0]!.id]);
    // The namespace is matched exactly: a parent namespace finds nothing.
    expect((await get<{ total: number }>(`/executions?namespace=io.osprey&flowId=main`)).body.total).toBe(0);
  });

  it('refuses GET /executions without namespace or flowId, with a bad page, or with an unknown parameter, naming it', async () => {
    const missing = await get<ErrorBody>(`/executions?namespace=${NS}`);
    expect(missing.status).toBe(400);
    expect(missing.body.message).toMatch(/flowId/);
    const page = await get<ErrorBody>(`/executions?namespace=${NS}&flowId=main&page=0`);
    expect(page.status).toBe(400);
    expect(page.body.message).toMatch(/page/);
    const unknown = await get<ErrorBody>(`/executions?namespace=${NS}&flowId=main&state=SUCCESS`);
    expect(unknown.status).toBe(400);
    expect(unknown.body.message).toMatch(/state/);
  });

  it('answers the flow revision an execution ran as a FlowForExecution', async () => {
    const first = await get<FlowForExecution>(`/executions/${runs[0]!.id}/flow`);
    expect(first.status).toBe(200);
    expect(first.body).toMatchObject({ id: 'main', namespace: NS, revision: 1, disabled: false, deleted: false });
    expect(first.body.inputs).toEqual([expect.objectContaining({ id: 'who', type: 'STRING' })]);
    expect(first.body.tasks).toEqual([
      { id: 'seq', type: 'io.kestra.plugin.core.flow.Sequential', tasks: [{ id: 'hello', type: 'io.kestra.plugin.core.log.Log' }] },
      {
        id: 'gate',
        type: 'io.kestra.plugin.core.flow.If',
        tasks: [{ id: 'approve', type: 'io.kestra.plugin.core.flow.Pause', inputs: [expect.objectContaining({ id: 'ok', type: 'BOOLEAN' })] }],
      },
      { id: 'call', type: 'io.kestra.plugin.core.flow.Subflow', subflowId: { namespace: `${NS}.child`, flowId: 'leaf' } },
    ]);
    expect(first.body.errors).toEqual([{ id: 'oops', type: 'io.kestra.plugin.core.log.Log' }]);
    expect(first.body.finally).toEqual([]);
    expect(first.body.triggers).toEqual([{ id: 'hook', type: 'io.kestra.plugin.core.trigger.Webhook' }]);
    // No task property beyond the ids and types.
    expect(JSON.stringify(first.body)).not.toContain('hello {{');
    expect((await get<FlowForExecution>(`/executions/${runs[2]!.id}/flow`)).body.revision).toBe(2);
    expect((await get<ErrorBody>('/executions/nosuchexecution/flow')).status).toBe(404);
  });

  it('answers a flow by namespace and id as a FlowForExecution, its latest revision or the one asked for', async () => {
    expect((await get<FlowForExecution>(`/executions/flows/${NS}/main`)).body.revision).toBe(2);
    expect((await get<FlowForExecution>(`/executions/flows/${NS}/main?revision=1`)).body).toMatchObject({ id: 'main', revision: 1 });
    expect((await get<ErrorBody>(`/executions/flows/${NS}/main?revision=9`)).status).toBe(404);
    expect((await get<ErrorBody>(`/executions/flows/${NS}/main?revision=zero`)).status).toBe(400);
    expect((await get<ErrorBody>(`/executions/flows/${NS}/nosuchflow`)).status).toBe(404);
  });

  it('lists the namespaces and the flows that can be executed, deleted flows left out', async () => {
    const namespaces = await get<string[]>('/executions/namespaces');
    expect(namespaces.status).toBe(200);
    expect(namespaces.body).toEqual(expect.arrayContaining([NS, `${NS}.child`]));
    expect(namespaces.body).not.toContain(`${NS}.deleted`);
    expect(namespaces.body).toEqual([...namespaces.body].sort());
    const flows = await get<FlowForExecution[]>(`/executions/namespaces/${NS}/flows`);
    expect(flows.status).toBe(200);
    expect(flows.body.map((f) => [f.id, f.revision]).sort()).toEqual([['checked', 1], ['main', 2], ['other', 1]]);
    expect((await get<FlowForExecution[]>(`/executions/namespaces/${NS}.deleted/flows`)).body).toEqual([]);
  });

  it('answers the largest task runs page, which the task runs search honours', async () => {
    const max = await get<number>('/taskruns/maxTaskRunSetting');
    expect(max.status).toBe(200);
    expect(max.body).toBe(10_000);
    // A bare number is JSON, as Kestra answers it (clients parse it as such).
    expect((await fetch(v1('/taskruns/maxTaskRunSetting'))).headers.get('content-type')).toMatch(/^application\/json/);
    expect((await get<ErrorBody>(`/taskruns/search?size=${max.body}`)).status).toBe(200);
    expect((await get<ErrorBody>(`/taskruns/search?size=${max.body + 1}`)).status).toBe(400);
  });

  it('validates the inputs of a new execution without starting one: each input with its value and errors', async () => {
    interface Validation {
      id: string;
      namespace: string;
      inputs: { input: { id: string; type: string }; value: unknown; enabled: boolean; errors: { message: string }[] }[];
    }
    const before = (await get<{ total: number }>(`/executions?namespace=${NS}&flowId=checked`)).body.total;
    const form = new FormData();
    form.append('level', 'MEDIUM');
    form.append('doc', new Blob(['x']), 'notes.txt');
    const refused = await httpJson<Validation>(v1(`/executions/${NS}/checked/validate?labels=team:data`), { method: 'POST', body: form });
    expect(refused.status).toBe(200);
    expect(refused.body).toMatchObject({ id: 'checked', namespace: NS });
    const byId = Object.fromEntries(refused.body.inputs.map((i) => [i.input.id, i]));
    expect(Object.keys(byId)).toEqual(['count', 'level', 'doc']);
    expect(byId.count).toMatchObject({ value: null, enabled: true, errors: [{ message: expect.stringMatching(/required/) }] });
    expect(byId.level).toMatchObject({ value: 'MEDIUM', errors: [{ message: expect.stringContaining('MEDIUM') }] });
    expect(byId.doc).toMatchObject({ value: 'notes.txt', errors: [] });
    const accepted = await httpJson<Validation>(v1(`/executions/${NS}/checked/validate`), { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ count: '7' }) });
    expect(accepted.body.inputs.map((i) => [i.input.id, i.value, i.errors])).toEqual([['count', 7, []], ['level', 'LOW', []], ['doc', null, []]]);
    // Nothing was started.
    expect((await get<{ total: number }>(`/executions?namespace=${NS}&flowId=checked`)).body.total).toBe(before);
    expect((await httpJson<ErrorBody>(v1(`/executions/${NS}/nosuchflow/validate`), { method: 'POST' })).status).toBe(404);
    const unknown = await httpJson<ErrorBody>(v1(`/executions/${NS}/checked/validate?wait=true`), { method: 'POST' });
    expect(unknown.status).toBe(400);
    expect(unknown.body.message).toMatch(/wait/);
  });

  it('answers the latest ended execution of each flow named, flows without one left out', async () => {
    const latest = await httpJson<{ id: string; namespace: string; flowId: string; startDate: string; status: string }[]>(v1('/executions/latest'), {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify([{ namespace: NS, id: 'main' }, { namespace: NS, id: 'checked' }, { namespace: NS, id: 'other' }]),
    });
    expect(latest.status).toBe(200);
    expect(latest.body.map((e) => e.flowId)).toEqual(['main', 'other']);
    expect(latest.body[0]).toEqual({ id: runs[2]!.id, namespace: NS, flowId: 'main', startDate: expect.any(String), status: 'SUCCESS' });
    const bad = await httpJson<ErrorBody & { field: string }>(v1('/executions/latest'), { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify([{ namespace: NS }]) });
    expect(bad.status).toBe(400);
    expect(bad.body.field).toBe('body[0]');
  });

  it("searches flow sources with Kestra's SearchResult: the flow and the lines around the match, marked", async () => {
    interface SourceHit {
      model: { id: string; namespace: string; revision: number; source?: string };
      fragments: string[];
    }
    const found = await get<{ results: SourceHit[]; total: number }>(`/flows/source?q=SUBFLOW&namespace=${NS}`);
    expect(found.status).toBe(200);
    expect(found.body.total).toBe(1);
    expect(found.body.results[0]!.model).toMatchObject({ id: 'main', namespace: NS, revision: 2 });
    expect(found.body.results[0]!.model.source).toBeUndefined();
    expect(found.body.results[0]!.fragments).toEqual([
      ['  - id: call', '    type: io.kestra.plugin.core.flow.[mark]Subflow[/mark]', `    namespace: ${NS}.child`, '    flowId: leaf'].join('\n'),
    ]);
    // Child namespaces count; deleted flows do not.
    const leaf = await get<{ results: SourceHit[]; total: number }>(`/flows/source?q=leaf&namespace=${NS}&size=1&page=2`);
    expect(leaf.body.total).toBe(2);
    expect(leaf.body.results.map((r) => r.model.id)).toEqual(['leaf']);
    expect((await get<{ total: number }>('/flows/source?q=message: gone')).body.total).toBe(0);
    const sorted = await get<ErrorBody>('/flows/source?q=x&sort=id:asc');
    expect(sorted.status).toBe(400);
    expect(sorted.body.message).toMatch(/sort/);
  });
});
