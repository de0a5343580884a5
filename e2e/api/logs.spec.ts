import { startDeployment, TOPOLOGIES, type Deployment } from '../support/deployment.js';
import { eventually, httpJson } from '../support/osprey-process.js';

/** The logs API through HTTP on both topologies: search, filters, download as text, follow as Server-Sent Events. */
interface LogView {
  executionId: string;
  taskId?: string;
  taskRunId?: string;
  level: string;
  message: string;
}
interface ExecutionView {
  id: string;
  state: { current: string };
  taskRunList: { id: string; taskId: string }[];
}

const NS = 'io.osprey.logs';
const CHATTY = `id: chatty
namespace: ${NS}
tasks:
  - id: info
    type: io.kestra.plugin.core.log.Log
    message: "info {{ execution.id }}"
  - id: pause
    type: io.kestra.plugin.core.flow.Sleep
    duration: PT0.3S
  - id: warn
    type: io.kestra.plugin.core.log.Log
    level: WARN
    message: a warning
  - id: error
    type: io.kestra.plugin.core.log.Log
    level: ERROR
    message: an error
`;

describe.each(TOPOLOGIES)('logs API (%s)', (topology) => {
  let deployment: Deployment;
  let api: string;
  let run: ExecutionView;
  const v1 = (path: string) => `${api}/api/v1${path}`;
  const get = <T>(path: string) => httpJson<T>(v1(path));

  beforeAll(async () => {
    deployment = await startDeployment(topology);
    api = deployment.api;
    await httpJson(v1('/flows'), { method: 'POST', headers: { 'content-type': 'application/x-yaml' }, body: CHATTY });
  }, 60_000);

  afterAll(async () => {
    await deployment?.stop();
  });

  it("follows an execution's logs as Server-Sent Events until it ended", async () => {
    const started = await httpJson<ExecutionView>(v1(`/executions/${NS}/chatty`), { method: 'POST' });
    const response = await fetch(v1(`/logs/${started.body.id}/follow`), { signal: AbortSignal.timeout(20_000) });
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toContain('text/event-stream');
    const events = (await response.text()).split('\n\n').filter((b) => b.startsWith('id: progress'));
    const messages = events.map((b) => (JSON.parse(/^data: (.*)$/m.exec(b)![1]!) as LogView).message);
    expect(messages).toEqual(expect.arrayContaining([`info ${started.body.id}`, 'a warning', 'an error']));
    run = await eventually('the execution to end', async () => {
      const { body } = await get<ExecutionView>(`/executions/${started.body.id}`);
      return body.state.current === 'SUCCESS' ? body : undefined;
    }, 10_000, 50);
  });

  it('lists, filters by level and task run, and searches', async () => {
    const all = await get<LogView[]>(`/logs/${run.id}`);
    expect(all.body.map((l) => l.message)).toEqual(expect.arrayContaining([`info ${run.id}`, 'a warning', 'an error']));
    expect((await get<LogView[]>(`/logs/${run.id}?minLevel=WARN`)).body.map((l) => l.level).sort()).toEqual(['ERROR', 'WARN']);
    const warnRun = run.taskRunList.find((t) => t.taskId === 'warn')!;
    expect((await get<LogView[]>(`/logs/${run.id}?taskRunId=${warnRun.id}`)).body.map((l) => l.message)).toEqual(['a warning']);
    const search = await get<{ total: number; results: LogView[] }>(`/logs/search?namespace=${NS}&q=warning&minLevel=INFO`);
    expect(search.body.results.map((l) => l.message)).toEqual(['a warning']);
    const paged = await get<{ total: number; results: LogView[] }>(`/logs/search?executionId=${run.id}&size=1&page=2`);
    expect(paged.body.results).toHaveLength(1);
    expect(paged.body.total).toBeGreaterThanOrEqual(3);
    expect((await get<{ total: number }>(`/logs/search?executionId=${run.id}&startDate=2000-01-01T00:00:00Z&endDate=2000-01-02T00:00:00Z`)).body.total).toBe(0);
  });

  it('downloads the logs as text', async () => {
    const response = await fetch(v1(`/logs/${run.id}/download?minLevel=WARN`));
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toContain('text/plain');
    const lines = (await response.text()).trim().split('\n');
    expect(lines).toHaveLength(2);
    expect(lines[0]).toMatch(/^\d{4}-\d\d-\d\dT.*Z WARN +\[warn\] a warning$/);
  });

  it('answers bad parameters and unknown executions with 4xx', async () => {
    const bad = await get<{ message: string; field: string }>(`/logs/${run.id}?minLevel=LOUD`);
    expect(bad.status).toBe(400);
    expect(bad.body.field).toBe('minLevel');
    expect((await get<{ field: string }>(`/logs/search?size=-1`)).body.field).toBe('size');
    expect((await get(`/logs/no-such-execution`)).status).toBe(404);
    expect((await fetch(v1(`/logs/no-such-execution/download`))).status).toBe(404);
  });

  it("deletes an execution's logs from a level up or of one task, then all of a flow's", async () => {
    const messages = async () => (await get<LogView[]>(`/logs/${run.id}`)).body.map((l) => l.message).sort();
    expect((await fetch(v1(`/logs/${run.id}?minLevel=ERROR`), { method: 'DELETE' })).status).toBe(204);
    expect(await messages()).toEqual(['a warning', `info ${run.id}`]);
    expect((await fetch(v1(`/main/logs/${run.id}?taskId=warn`), { method: 'DELETE' })).status).toBe(204);
    expect(await messages()).toEqual([`info ${run.id}`]);
    const bad = await httpJson<{ field: string }>(v1(`/logs/${run.id}?attempt=zero`), { method: 'DELETE' });
    expect(bad.status).toBe(400);
    expect(bad.body.field).toBe('attempt');
    // Two segments are a flow, not an execution's download or follow route.
    expect((await fetch(v1(`/main/logs/${NS}/chatty`), { method: 'DELETE' })).status).toBe(204);
    expect((await get<LogView[]>(`/logs/${run.id}`)).body).toEqual([]);
  });
});
