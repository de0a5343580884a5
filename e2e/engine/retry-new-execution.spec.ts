import { startDeployment, type Deployment } from '../support/deployment.js';
import { eventually, httpJson } from '../support/osprey-process.js';

/**
 * Retry behavior CREATE_NEW_EXECUTION on `osprey server local` (SQLite): a failing flow with maxAttempt 3 leaves a
 * chain of three executions, seen only through the API: two RETRIED, the last FAILED, each a new attempt.
 */
const FLOW = `id: flaky-import
namespace: io.osprey.retry
labels:
  team: birds
inputs:
  - id: day
    type: STRING
retry:
  behavior: CREATE_NEW_EXECUTION
  type: constant
  interval: PT1S
  maxAttempt: 3
tasks:
  - id: fetch
    type: io.kestra.plugin.core.execution.Fail
    errorMessage: "no export for {{ inputs.day }}"
`;

interface ExecutionView {
  id: string;
  inputs: Record<string, unknown>;
  labels: { key: string; value: string }[];
  state: { current: string; startDate: string; endDate?: string };
  metadata?: { attemptNumber: number; originalCreatedDate: string };
  taskRunList: { taskId: string; state: { current: string }; attempts: unknown[] }[];
}

describe('retry behavior CREATE_NEW_EXECUTION (server local)', () => {
  let deployment: Deployment;
  let api: string;

  beforeAll(async () => {
    deployment = await startDeployment('local');
    api = deployment.api;
  }, 90_000);

  afterAll(() => deployment?.stop());

  it('runs the flow again in new executions until maxAttempt, the retried ones RETRIED and the last FAILED', async () => {
    const deployed = await httpJson(`${api}/api/v1/flows`, { method: 'POST', headers: { 'content-type': 'application/x-yaml' }, body: FLOW });
    expect(deployed.status).toBe(200);
    const created = await httpJson<ExecutionView>(`${api}/api/v1/executions/io.osprey.retry/flaky-import?labels=run:nightly`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ day: '2026-12-07' }),
    });
    expect(created.status).toBe(200);

    const chain = await eventually(
      'three executions of the flow, all ended',
      async () => {
        const { body } = await httpJson<{ results: ExecutionView[] }>(`${api}/api/v1/executions/search?namespace=io.osprey.retry&flowId=flaky-import&size=10`);
        const ended = body.results.filter((e) => ['RETRIED', 'FAILED'].includes(e.state.current));
        return ended.length === 3 ? ended : undefined;
      },
      90_000,
      250,
    );
    chain.sort((a, b) => a.metadata!.attemptNumber - b.metadata!.attemptNumber);
    expect(chain.map((e) => [e.metadata!.attemptNumber, e.state.current])).toEqual([
      [1, 'RETRIED'],
      [2, 'RETRIED'],
      [3, 'FAILED'],
    ]);
    expect(chain[0]!.id).toBe(created.body.id);
    expect(new Set(chain.map((e) => e.id)).size).toBe(3);
    for (const execution of chain) {
      expect(execution.inputs).toEqual({ day: '2026-12-07' });
      expect(execution.labels).toEqual(expect.arrayContaining([{ key: 'team', value: 'birds' }, { key: 'run', value: 'nightly' }]));
      expect(execution.metadata!.originalCreatedDate).toBe(chain[0]!.metadata!.originalCreatedDate);
    }
    // Each execution is created once the one it retries has ended and the interval has passed.
    for (let i = 1; i < chain.length; i++) {
      expect(Date.parse(chain[i]!.state.startDate)).toBeGreaterThanOrEqual(Date.parse(chain[i - 1]!.state.endDate!) + 1000);
    }
    // The full executions: one attempt of the failing task each, RETRIED where the execution was retried.
    const full = await Promise.all(chain.map(async (e) => (await httpJson<ExecutionView>(`${api}/api/v1/executions/${e.id}`)).body));
    expect(full.map((e) => e.taskRunList.map((r) => [r.taskId, r.state.current, r.attempts.length]))).toEqual([
      [['fetch', 'RETRIED', 1]],
      [['fetch', 'RETRIED', 1]],
      [['fetch', 'FAILED', 1]],
    ]);
    // The RETRIED state is a search filter like any other.
    const retried = await httpJson<{ total: number }>(`${api}/api/v1/executions/search?namespace=io.osprey.retry&flowId=flaky-import&state=RETRIED`);
    expect(retried.body.total).toBe(2);
    // The logs of a retried execution name the execution that retries it and when it starts.
    const logs = await httpJson<{ message: string }[]>(`${api}/api/v1/logs/${chain[0]!.id}`);
    expect(logs.body.map((l) => l.message)).toEqual(
      expect.arrayContaining(['no export for 2026-12-07', `task fetch failed: execution ${chain[1]!.id} retries this one (attempt 2) at ${chain[1]!.state.startDate}`]),
    );
  }, 120_000);
});
