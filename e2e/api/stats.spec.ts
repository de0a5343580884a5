import { startDeployment, TOPOLOGIES, type Deployment } from '../support/deployment.js';
import { httpJson } from '../support/osprey-process.js';

/** Daily execution statistics through HTTP on both topologies. */
interface Day {
  startDate: string;
  executionCounts: Record<string, number>;
  total: number;
}

const NS = 'io.osprey.stats';
const flow = (id: string, fail: boolean) =>
  `id: ${id}\nnamespace: ${NS}\ntasks:\n  - id: t\n    type: ${fail ? 'io.kestra.plugin.core.execution.Fail' : 'io.kestra.plugin.core.log.Log'}\n    ${fail ? 'errorMessage' : 'message'}: x\n`;

describe.each(TOPOLOGIES)('stats API (%s)', (topology) => {
  let deployment: Deployment;
  let api: string;
  const v1 = (path: string) => `${api}/api/v1${path}`;

  beforeAll(async () => {
    deployment = await startDeployment(topology);
    api = deployment.api;
    for (const [id, fail] of [['good', false], ['bad', true]] as const) {
      await httpJson(v1('/flows'), { method: 'POST', headers: { 'content-type': 'application/x-yaml' }, body: flow(id, fail) });
    }
    for (const id of ['good', 'good', 'bad']) await httpJson(v1(`/executions/${NS}/${id}?wait=true`), { method: 'POST' });
  }, 60_000);

  afterAll(async () => {
    await deployment?.stop();
  });

  it('counts executions per day and state, every day of the range present', async () => {
    const today = new Date().toISOString().slice(0, 10);
    const start = new Date(Date.now() - 2 * 86_400_000).toISOString();
    const res = await httpJson<Day[]>(v1('/stats/executions/daily'), {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ namespace: NS, startDate: start, endDate: new Date().toISOString() }),
    });
    expect(res.status).toBe(200);
    expect(res.body).toHaveLength(3);
    const last = res.body[res.body.length - 1]!;
    expect(last.startDate).toBe(today);
    expect(last.executionCounts).toMatchObject({ SUCCESS: 2, FAILED: 1, RUNNING: 0 });
    expect(last.total).toBe(3);
    expect(res.body[0]!.total).toBe(0);
    const oneFlow = await httpJson<Day[]>(v1(`/stats/executions/daily?namespace=${NS}&flowId=bad&startDate=${encodeURIComponent(start)}`));
    expect(oneFlow.body[oneFlow.body.length - 1]!.executionCounts).toMatchObject({ SUCCESS: 0, FAILED: 1 });
  });

  it('counts flows and their triggers, and gives the latest execution of each flow', async () => {
    const post = <T>(path: string, body: unknown) => httpJson<T>(v1(path), { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
    expect((await post('/main/stats/summary', { namespace: NS })).body).toEqual({ flows: 2, triggers: 0 });
    expect((await post('/stats/summary', { namespace: 'io.osprey.nothing' })).body).toEqual({ flows: 0, triggers: 0 });
    const newest = await httpJson<{ results: { id: string }[] }>(v1(`/executions/search?namespace=${NS}&flowId=good&sort=state.endDate:desc`));
    const latest = await post<{ id: string; flowId: string; state: { current: string } }[]>('/main/stats/executions/latest/group-by-flow', { flows: [{ namespace: NS, id: 'good' }, { namespace: NS, id: 'bad' }, { namespace: NS, id: 'never' }] });
    expect(latest.status).toBe(200);
    expect(latest.body.map((e) => [e.flowId, e.state.current])).toEqual([['good', 'SUCCESS'], ['bad', 'FAILED']]);
    expect(latest.body[0]!.id).toBe(newest.body.results[0]!.id);
    const bad = await post<{ field: string }>('/stats/executions/latest/group-by-flow', { flows: [{ namespace: NS }] });
    expect(bad.status).toBe(400);
    expect(bad.body.field).toBe('flows[0]');
  });

  it('counts task runs per day, executions per day of each flow and namespace, and logs per day and level', async () => {
    const post = <T>(path: string, body: unknown) => httpJson<T>(v1(path), { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
    const today = new Date().toISOString().slice(0, 10);
    const range = { startDate: new Date(Date.now() - 86_400_000).toISOString(), endDate: new Date().toISOString() };

    const taskRuns = await post<Day[]>('/stats/taskruns/daily', { namespace: NS, ...range });
    expect(taskRuns.status).toBe(200);
    expect(taskRuns.body.at(-1)).toMatchObject({ startDate: today, executionCounts: { SUCCESS: 2, FAILED: 1 }, total: 3 });
    const failedRuns = await post<Day[]>('/main/stats/taskruns/daily', { namespace: NS, flowId: 'bad', state: ['FAILED'], ...range });
    expect(failedRuns.body.at(-1)!.total).toBe(1);

    const byFlow = await post<Record<string, Record<string, Day[]>>>('/stats/executions/daily/group-by-flow', { namespace: NS, ...range });
    expect(byFlow.status).toBe(200);
    expect(Object.keys(byFlow.body)).toEqual([NS]);
    expect(Object.keys(byFlow.body[NS]!).sort()).toEqual(['bad', 'good']);
    expect(byFlow.body[NS]!.good!.at(-1)).toMatchObject({ startDate: today, executionCounts: { SUCCESS: 2, FAILED: 0 }, total: 2 });
    const named = await post<Record<string, Record<string, Day[]>>>('/stats/executions/daily/group-by-flow', { flows: [{ namespace: NS, id: 'bad' }], namespaceOnly: true, ...range });
    expect(named.body[NS]!['*']!.at(-1)).toMatchObject({ executionCounts: { FAILED: 1 }, total: 1 });

    const byNamespace = await post<Record<string, { counts: Record<string, number>; total: number }>>('/stats/executions/daily/group-by-namespace', { namespace: NS, ...range });
    expect(byNamespace.status).toBe(200);
    expect(byNamespace.body).toEqual({ [NS]: { counts: expect.objectContaining({ SUCCESS: 2, FAILED: 1, RUNNING: 0 }), total: 3 } });

    type LogDay = { timestamp: string; counts: Record<string, number> };
    const logs = await post<LogDay[]>('/stats/logs/daily', { namespace: NS, flowId: 'good', ...range });
    expect(logs.status).toBe(200);
    expect(logs.body).toHaveLength(2);
    expect(logs.body[1]!.timestamp).toBe(today);
    expect(logs.body[1]!.counts.INFO).toBeGreaterThanOrEqual(2);
    const errorsOnly = await post<LogDay[]>('/stats/logs/daily', { namespace: NS, flowId: 'good', logLevel: 'ERROR', ...range });
    expect(errorsOnly.body[1]!.counts).toMatchObject({ INFO: 0, DEBUG: 0 });
  });

  it('refuses what Kestra takes and Osprey does not honour with 400 naming the field', async () => {
    const post = (path: string, body: unknown) => httpJson<{ field: string }>(v1(path), { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
    expect((await post('/stats/taskruns/daily', { q: 'hello' })).body.field).toBe('q');
    expect((await post('/stats/executions/daily', { scope: ['USER'] })).body.field).toBe('scope');
    expect((await post('/stats/logs/daily', { logLevel: 'warning' })).body.field).toBe('logLevel');
    expect((await post('/stats/executions/daily/group-by-namespace', { flowId: 'good' })).body.field).toBe('flowId');
  });

  it('refuses bad ranges with 400 naming the field', async () => {
    const post = (body: unknown) => httpJson<{ field: string }>(v1('/stats/executions/daily'), { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
    expect((await post({ startDate: 'yesterday' })).body.field).toBe('startDate');
    expect((await post({ startDate: '2026-01-02T00:00:00Z', endDate: '2026-01-01T00:00:00Z' })).status).toBe(400);
    expect((await post({ startDate: '2000-01-01T00:00:00Z', endDate: '2026-01-01T00:00:00Z' })).body.field).toBe('endDate');
    expect((await post({ namespace: 42 })).body.field).toBe('namespace');
  });
});
