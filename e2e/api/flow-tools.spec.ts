import { startDeployment, type Deployment } from '../support/deployment.js';
import { httpJson } from '../support/osprey-process.js';

/**
 * Kestra's flow endpoints beyond create/read/update (namespace update, task and trigger validation, a flow's task),
 * on `osprey server local` (embedded SQLite), under `/api/v1/...` and the tenant form `/api/v1/main/...`.
 */

const NS = 'io.osprey.tools';

interface FlowView {
  id: string;
  namespace: string;
  revision: number;
  deleted: boolean;
  source?: string;
}
interface ErrorView {
  message: string;
  field?: string;
  failures?: { file: string; violations: { path: string; message: string }[] }[];
}

function flowSource(id: string, namespace = NS, message = 'hello'): string {
  return `id: ${id}\nnamespace: ${namespace}\ntasks:\n  - id: answer\n    type: io.kestra.plugin.core.debug.Return\n    format: "${message}"\n`;
}

describe('flow tool endpoints (local)', () => {
  let deployment: Deployment;
  let api: string;

  const send = <T>(method: string, path: string, body: string | undefined, contentType = 'application/x-yaml') =>
    httpJson<T>(`${api}${path}`, { method, headers: body === undefined ? {} : { 'content-type': contentType }, body });
  const get = <T>(path: string) => httpJson<T>(`${api}${path}`);

  beforeAll(async () => {
    deployment = await startDeployment('local');
    api = deployment.api;
  }, 120_000);
  afterAll(async () => {
    await deployment?.stop();
  });

  describe('POST /flows/{namespace}', () => {
    it('creates and revises the flows sent, deletes the others of exactly that namespace, and lists deleted then stored', async () => {
      const ns = `${NS}.update`;
      await send('POST', '/api/v1/flows', flowSource('stale', ns));
      await send('POST', '/api/v1/flows', flowSource('kept', ns));
      await send('POST', '/api/v1/flows', flowSource('child', `${ns}.child`));

      const body = `${flowSource('kept', ns, 'changed')}---\n${flowSource('added', ns)}`;
      const updated = await send<FlowView[]>('POST', `/api/v1/main/flows/${ns}`, body);
      expect(updated.status).toBe(200);
      expect(updated.body.map((f) => [f.id, f.revision, f.deleted])).toEqual([['stale', 1, true], ['kept', 2, false], ['added', 1, false]]);
      expect(updated.body[1]!.source).toContain('changed');

      const listed = await get<FlowView[]>(`/api/v1/flows/${ns}`);
      expect(listed.body.map((f) => f.id).sort()).toEqual(['added', 'kept']);
      expect((await get<FlowView[]>(`/api/v1/flows/${ns}.child`)).body.map((f) => f.id)).toEqual(['child']);
    }, 60_000);

    it('keeps the flows missing from the body with delete=false, and takes Kestra\'s JSON array of flows', async () => {
      const ns = `${NS}.keep`;
      await send('POST', '/api/v1/flows', flowSource('old', ns));
      const flows = [{ id: 'from-json', namespace: ns, tasks: [{ id: 'answer', type: 'io.kestra.plugin.core.debug.Return', format: 'json' }] }];
      const updated = await send<FlowView[]>('POST', `/api/v1/flows/${ns}?delete=false`, JSON.stringify(flows), 'application/json');
      expect(updated.status).toBe(200);
      expect(updated.body.map((f) => f.id)).toEqual(['from-json']);
      expect((await get<FlowView[]>(`/api/v1/flows/${ns}`)).body.map((f) => f.id).sort()).toEqual(['from-json', 'old']);

      // An empty body with delete=true empties the namespace, as Kestra does.
      const emptied = await send<FlowView[]>('POST', `/api/v1/flows/${ns}`, '');
      expect(emptied.status).toBe(200);
      expect(emptied.body.map((f) => [f.id, f.deleted]).sort()).toEqual([['from-json', true], ['old', true]]);
      expect((await get<FlowView[]>(`/api/v1/flows/${ns}`)).body).toEqual([]);
    }, 60_000);

    it('refuses a flow of another namespace or an invalid one with 422, writing nothing, and names unsupported parameters', async () => {
      const ns = `${NS}.refused`;
      await send('POST', '/api/v1/flows', flowSource('present', ns));
      const elsewhere = await send<ErrorView>('POST', `/api/v1/flows/${ns}`, flowSource('intruder', 'somewhere.else'));
      expect(elsewhere.status).toBe(422);
      expect(elsewhere.body.failures![0]!.violations[0]).toMatchObject({ path: 'namespace', message: expect.stringContaining(ns) });
      const invalid = await send<ErrorView>('POST', `/api/v1/flows/${ns}`, `id: broken\nnamespace: ${ns}\ntasks: []\n`);
      expect(invalid.status).toBe(422);
      expect((await get<FlowView[]>(`/api/v1/flows/${ns}`)).body.map((f) => f.id)).toEqual(['present']);

      const override = await send<ErrorView>('POST', `/api/v1/flows/${ns}?override=true`, flowSource('present', ns));
      expect(override.status).toBe(400);
      expect(override.body).toMatchObject({ field: 'override' });
      const badDelete = await send<ErrorView>('POST', `/api/v1/flows/${ns}?delete=maybe`, flowSource('present', ns));
      expect(badDelete.status).toBe(400);
      expect(badDelete.body.message).toContain('delete');
    }, 60_000);

    it('leaves the literal POST routes (validate, bulk, import) to their own handlers', async () => {
      const validated = await send<{ index: number }[]>('POST', '/api/v1/flows/validate', flowSource('v'));
      expect(validated.status).toBe(200);
      expect(validated.body).toEqual([expect.objectContaining({ index: 0, flow: 'v' })]);
      const bulk = await send<FlowView[]>('POST', `/api/v1/main/flows/bulk?namespace=${NS}.bulk`, flowSource('b', `${NS}.bulk`));
      expect(bulk.status).toBe(200);
      expect(bulk.body.map((f) => f.id)).toEqual(['b']);
      expect(bulk.body[0]!.source).toBeUndefined();
    }, 60_000);
  });

  describe('POST /flows/validate/task and /flows/validate/trigger', () => {
    interface Violation {
      constraints?: string;
      outdated: boolean;
      deprecationPaths: string[];
      warnings: string[];
      infos: string[];
      violations: { path: string; line?: number }[];
    }

    it('answers Kestra\'s ValidateConstraintViolation for a task as YAML or JSON, naming an unknown property', async () => {
      const valid = await send<Violation>('POST', '/api/v1/flows/validate/task', 'id: hello\ntype: io.kestra.plugin.core.log.Log\nmessage: hi\n');
      expect(valid.status).toBe(200);
      expect(valid.body).toEqual({ index: 0, outdated: false, deprecationPaths: [], warnings: [], infos: [], violations: [] });

      const bogus = await send<Violation>('POST', '/api/v1/main/flows/validate/task', JSON.stringify({ id: 'hello', type: 'io.kestra.plugin.core.log.Log', message: 'hi', bogus: 1 }), 'application/json');
      expect(bogus.status).toBe(200);
      expect(bogus.body.violations).toEqual([expect.objectContaining({ path: 'bogus' })]);
      expect(bogus.body.constraints).toContain('bogus');
    }, 60_000);

    it('validates a trigger at /validate/trigger and at /validate/task?section=TRIGGERS, and refuses another section', async () => {
      const trigger = 'id: daily\ntype: io.kestra.plugin.core.trigger.Schedule\ncron: "not a cron"\n';
      for (const path of ['/api/v1/flows/validate/trigger', '/api/v1/main/flows/validate/task?section=TRIGGERS']) {
        const answer = await send<Violation>('POST', path, trigger);
        expect(answer.status).toBe(200);
        expect(answer.body.violations).toEqual([expect.objectContaining({ path: 'cron', line: 3 })]);
      }
      const section = await send<ErrorView>('POST', '/api/v1/flows/validate/task?section=INPUTS', trigger);
      expect(section.status).toBe(400);
      expect(section.body.message).toContain('section');
      const empty = await send<ErrorView>('POST', '/api/v1/flows/validate/task', '');
      expect(empty.status).toBe(400);
      expect(empty.body.field).toBe('body');
    }, 60_000);
  });

  describe('GET /flows/{namespace}/{id}/tasks/{taskId}', () => {
    it('answers a nested task of the latest or a given revision, and 404s naming a missing task or flow', async () => {
      const ns = `${NS}.task`;
      const nested = (message: string) =>
        `id: nested\nnamespace: ${ns}\ntasks:\n  - id: outer\n    type: io.kestra.plugin.core.flow.Sequential\n    tasks:\n      - id: inner\n        type: io.kestra.plugin.core.log.Log\n        message: ${message}\n`;
      await send('POST', '/api/v1/flows', nested('first'));
      await send('PUT', `/api/v1/flows/${ns}/nested`, nested('second'));

      const latest = await get<Record<string, unknown>>(`/api/v1/main/flows/${ns}/nested/tasks/inner`);
      expect(latest.status).toBe(200);
      expect(latest.body).toEqual({ id: 'inner', type: 'io.kestra.plugin.core.log.Log', message: 'second' });
      const first = await get<Record<string, unknown>>(`/api/v1/flows/${ns}/nested/tasks/inner?revision=1`);
      expect(first.body).toMatchObject({ message: 'first' });

      const missing = await get<ErrorView>(`/api/v1/flows/${ns}/nested/tasks/nope`);
      expect(missing.status).toBe(404);
      expect(missing.body.message).toContain('nope');
      expect((await get<ErrorView>(`/api/v1/flows/${ns}/absent/tasks/inner`)).status).toBe(404);
      // The literal `revisions` path and the task path do not swallow each other.
      expect((await get<FlowView[]>(`/api/v1/flows/${ns}/nested/revisions`)).body.map((f) => f.revision)).toEqual([1, 2]);
    }, 60_000);
  });

  describe('flow graphs', () => {
    interface Graph {
      nodes: { uid: string; type: string; task?: { id: string }; taskRun?: { id: string; value?: string } }[];
      edges: { source: string; target: string; relation: { relationType?: string; value?: string } }[];
      clusters: { cluster: { uid: string }; start: string; end: string; parents: string[] }[];
    }
    const ns = `${NS}.graph`;
    const parallel = (last: string) =>
      `id: fan\nnamespace: ${ns}\ntasks:\n  - id: parent\n    type: io.kestra.plugin.core.flow.Parallel\n    tasks:\n      - id: a\n        type: io.kestra.plugin.core.log.Log\n        message: a\n      - id: b\n        type: io.kestra.plugin.core.log.Log\n        message: b\n  - id: ${last}\n    type: io.kestra.plugin.core.log.Log\n    message: done\n`;

    it('answers the FlowGraph of a stored flow, of a given revision, and of a posted source', async () => {
      await send('POST', '/api/v1/flows', parallel('last'));
      await send('PUT', `/api/v1/flows/${ns}/fan`, parallel('final'));

      const latest = await get<Graph>(`/api/v1/main/flows/${ns}/fan/graph`);
      expect(latest.status).toBe(200);
      expect(latest.body.clusters).toEqual([expect.objectContaining({ cluster: expect.objectContaining({ uid: 'cluster_root.parent' }), parents: [], start: 'root.parent._start', end: 'root.parent._end' })]);
      expect(latest.body.edges).toContainEqual({ source: 'root.parent', target: 'root.parent.a', relation: { relationType: 'PARALLEL' } });
      expect(latest.body.edges).toContainEqual({ source: 'root.parent._end', target: 'root.final', relation: { relationType: 'SEQUENTIAL' } });
      expect(latest.body.nodes.map((n) => n.uid)).toContain('root.final');

      const first = await get<Graph>(`/api/v1/flows/${ns}/fan/graph?revision=1`);
      expect(first.body.nodes.map((n) => n.uid)).toContain('root.last');

      const posted = await send<Graph>('POST', '/api/v1/main/flows/graph', parallel('other'));
      expect(posted.status).toBe(200);
      expect(posted.body.nodes.map((n) => n.uid)).toContain('root.other');
      // The literal POST /flows/graph is not read as a namespace update of namespace "graph".
      expect((await get<FlowView[]>('/api/v1/flows/graph')).body).toEqual([]);
    }, 60_000);

    it('answers the graph of an execution with one node per task run, suffixed with the loop values', async () => {
      const source = `id: loop\nnamespace: ${ns}\ntasks:\n  - id: each\n    type: io.kestra.plugin.core.flow.ForEach\n    values: [x, y]\n    tasks:\n      - id: inner\n        type: io.kestra.plugin.core.debug.Return\n        format: "{{ taskrun.value }}"\n`;
      expect((await send('POST', '/api/v1/flows', source)).status).toBe(200);
      const run = await httpJson<{ id: string; state: { current: string } }>(`${api}/api/v1/executions/${ns}/loop?wait=true`, { method: 'POST' });
      expect(run.body.state.current).toBe('SUCCESS');

      const graph = await get<Graph>(`/api/v1/main/executions/${run.body.id}/graph`);
      expect(graph.status).toBe(200);
      const inner = graph.body.nodes.filter((n) => n.task?.id === 'inner');
      expect(inner.map((n) => n.uid).sort()).toEqual(['root.each.inner_x', 'root.each.inner_y']);
      expect(inner.map((n) => n.taskRun?.value).sort()).toEqual(['x', 'y']);
      expect((await get<ErrorView>('/api/v1/executions/nope/graph')).status).toBe(404);
    }, 60_000);

    it('answers 404 for an unknown flow, 422 for an invalid source, 400 naming subflows', async () => {
      expect((await get<ErrorView>(`/api/v1/flows/${ns}/absent/graph`)).status).toBe(404);
      const invalid = await send<ErrorView>('POST', '/api/v1/flows/graph', `id: bad\nnamespace: ${ns}\ntasks: []\n`);
      expect(invalid.status).toBe(422);
      const subflows = await get<ErrorView>(`/api/v1/flows/${ns}/fan/graph?subflows=root.parent`);
      expect(subflows.status).toBe(400);
      expect(subflows.body.field).toBe('subflows');
    }, 60_000);
  });

  describe('plugin endpoints', () => {
    interface Documentation {
      schema: { properties: { properties: Record<string, { enum?: string[] }>; required: string[]; additionalProperties: boolean }; definitions: Record<string, unknown> };
    }

    it('answers the JSON Schema of a task, trigger or condition type by name or alias, and 404s naming an unknown one', async () => {
      const log = await get<Documentation>('/api/v1/main/plugins/io.kestra.plugin.core.log.Log');
      expect(log.status).toBe(200);
      expect(log.body.schema.properties).toMatchObject({ additionalProperties: false, required: expect.arrayContaining(['id', 'type', 'message']) });
      expect(Object.keys(log.body.schema.properties.properties)).toEqual(expect.arrayContaining(['id', 'type', 'message', 'level']));
      // The flow schema the editor uses holds the same definition.
      const flowSchema = await get<{ definitions: Record<string, unknown> }>('/api/v1/plugins/schemas/flow');
      expect(log.body.schema.properties).toEqual(flowSchema.body.definitions['io.kestra.plugin.core.log.Log']);

      const alias = await get<Documentation>('/api/v1/plugins/io.kestra.core.tasks.log.Log?all=true');
      expect(alias.body.schema.properties).toEqual(log.body.schema.properties);
      // A narrower schema is not something Osprey gives: refused by name rather than answered in full.
      const narrower = await get<ErrorView>('/api/v1/plugins/io.kestra.plugin.core.log.Log?all=false');
      expect(narrower.status).toBe(400);
      expect(narrower.body.message).toContain('all');
      const trigger = await get<Documentation>('/api/v1/plugins/io.kestra.plugin.core.trigger.Schedule');
      expect(Object.keys(trigger.body.schema.properties.properties)).toContain('cron');

      const unknown = await get<ErrorView>('/api/v1/plugins/io.example.Nope');
      expect(unknown.status).toBe(404);
      expect(unknown.body.message).toContain('io.example.Nope');
    }, 60_000);

    it('lists input types and icons, and answers an input type\'s schema; the literal paths win over {cls}', async () => {
      const inputs = await get<{ type: string; cls: string }[]>('/api/v1/plugins/inputs');
      expect(inputs.status).toBe(200);
      expect(inputs.body).toEqual(expect.arrayContaining([{ type: 'STRING', cls: 'io.kestra.core.models.flows.input.StringInput' }, { type: 'DATETIME', cls: 'io.kestra.core.models.flows.input.DateTimeInput' }]));
      const select = await get<Documentation>('/api/v1/main/plugins/inputs/SELECT');
      expect(select.status).toBe(200);
      expect(Object.keys(select.body.schema.properties.properties)).toContain('values');
      expect((await get<ErrorView>('/api/v1/plugins/inputs/NOPE')).status).toBe(404);

      const icons = await get<Record<string, { name: string; flowable: boolean }>>('/api/v1/plugins/icons');
      expect(icons.body['io.kestra.plugin.core.flow.Parallel']).toEqual({ name: 'Parallel', flowable: true });
      expect(icons.body['io.kestra.core.tasks.log.Log']).toEqual({ name: 'Log', flowable: false });
    }, 60_000);
  });
});
