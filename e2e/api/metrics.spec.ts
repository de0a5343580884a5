import { startDeployment, type Deployment } from '../support/deployment.js';
import { httpJson } from '../support/osprey-process.js';

/** The metrics API on `osprey server local`: the metrics tasks reported, by execution, by name and aggregated. */

const NS = 'io.osprey.metricsapi';
const FLOW = `id: counted
namespace: ${NS}
tasks:
  - id: load
    type: io.kestra.plugin.scripts.shell.Commands
    taskRunner:
      type: io.kestra.plugin.core.runner.Process
    commands:
      - echo '::{"metrics":[{"name":"rows","type":"counter","value":40,"tags":{"table":"birds"}},{"name":"load.time","type":"timer","value":1.5}]}::'
  - id: check
    type: io.kestra.plugin.scripts.shell.Commands
    taskRunner:
      type: io.kestra.plugin.core.runner.Process
    commands:
      - echo '::{"metrics":[{"name":"rows","type":"counter","value":2}]}::'
`;

interface MetricEntry {
  namespace: string;
  flowId: string;
  taskId: string;
  executionId: string;
  taskRunId: string;
  name: string;
  type: string;
  value: number;
  timestamp: string;
  tags?: Record<string, string>;
}

describe('metrics API (local)', () => {
  let deployment: Deployment;
  let api: string;
  const executions: string[] = [];
  const get = <T>(path: string) => httpJson<T>(`${api}/api/v1${path}`);

  beforeAll(async () => {
    deployment = await startDeployment('local');
    api = deployment.api;
    expect((await httpJson(`${api}/api/v1/flows`, { method: 'POST', headers: { 'content-type': 'application/x-yaml' }, body: FLOW })).status).toBe(200);
    for (let i = 0; i < 2; i++) {
      const run = await httpJson<{ id: string; state: { current: string } }>(`${api}/api/v1/executions/${NS}/counted?wait=true`, { method: 'POST' });
      expect(run.body.state.current).toBe('SUCCESS');
      executions.push(run.body.id);
    }
  }, 120_000);
  afterAll(async () => {
    await deployment?.stop();
  });

  it("pages an execution's metrics, filtered by task and sorted", async () => {
    const all = await get<{ results: MetricEntry[]; total: number }>(`/metrics/${executions[0]}?sort=value:desc`);
    expect(all.status).toBe(200);
    expect(all.body.total).toBe(3);
    expect(all.body.results.map((m) => [m.taskId, m.name, m.type, m.value])).toEqual([
      ['load', 'rows', 'counter', 40],
      ['check', 'rows', 'counter', 2],
      ['load', 'load.time', 'timer', 1.5],
    ]);
    expect(all.body.results[0]).toMatchObject({ namespace: NS, flowId: 'counted', executionId: executions[0], tags: { table: 'birds' }, deleted: false });
    const check = await get<{ results: MetricEntry[]; total: number }>(`/main/metrics/${executions[0]}?taskId=check`);
    expect(check.body.results.map((m) => m.value)).toEqual([2]);
    const paged = await get<{ results: MetricEntry[]; total: number }>(`/metrics/${executions[0]}?size=1&page=2&sort=value:asc`);
    expect(paged.body).toMatchObject({ total: 3, results: [expect.objectContaining({ value: 2 })] });
    expect((await get<{ total: number }>('/metrics/no-such-execution')).body).toEqual({ results: [], total: 0 });
    expect((await get<{ field: string }>(`/metrics/${executions[0]}?sort=color:asc`)).body.field).toBe('sort');
  });

  it('lists the metric names and tasks of a flow (literal paths, not an execution id)', async () => {
    expect((await get<string[]>(`/metrics/names/${NS}/counted`)).body).toEqual(['load.time', 'rows']);
    expect((await get<string[]>(`/main/metrics/names/${NS}/counted/check`)).body).toEqual(['rows']);
    expect((await get<string[]>(`/metrics/tasks/${NS}/counted`)).body).toEqual(['check', 'load']);
    expect((await get<string[]>(`/metrics/tasks/${NS}/nothing`)).body).toEqual([]);
  });

  it("aggregates a metric of the flow or of one task over the window's periods", async () => {
    const sum = await get<{ groupBy: string; aggregations: { name: string; value: number; date: string }[] }>(`/metrics/aggregates/${NS}/counted/rows`);
    expect(sum.status).toBe(200);
    expect(sum.body.groupBy).toBe('day');
    expect(sum.body.aggregations.map((a) => a.value).reduce((a, b) => a + b, 0)).toBe(84);
    const max = await get<{ aggregations: { value: number }[] }>(`/main/metrics/aggregates/${NS}/counted/check/rows?aggregation=max`);
    expect(max.body.aggregations.map((a) => a.value)).toEqual([2]);
    const empty = await get<{ groupBy: string; aggregations: unknown[] }>(`/metrics/aggregates/${NS}/counted/rows?startDate=2020-01-01T00:00:00Z&endDate=2020-01-01T01:00:00Z`);
    expect(empty.body).toEqual({ groupBy: 'minute', aggregations: [] });
    expect((await get<{ field: string }>(`/metrics/aggregates/${NS}/counted/rows?aggregation=median`)).body.field).toBe('aggregation');
  });
});
