import { startDeployment, type Deployment } from '../support/deployment.js';
import { eventually, httpJson } from '../support/osprey-process.js';

/** A Schedule whose conditions cannot be evaluated leaves a FAILED execution per occurrence, with the error in its logs. */
const FLOW = `id: broken-condition
namespace: io.osprey.schedule
tasks:
  - id: never
    type: io.kestra.plugin.core.log.Log
    message: the conditions were evaluated
triggers:
  - id: every-second
    type: io.kestra.plugin.core.trigger.Schedule
    cron: "* * * * * *"
    withSeconds: true
    conditions:
      - type: io.kestra.plugin.core.condition.Expression
        expression: "{{ trigger.date | nosuchfilter }}"
`;

interface ExecutionView {
  id: string;
  state: { current: string };
  taskRunList: unknown[];
  trigger?: { id: string };
}

describe('Schedule conditions that cannot be evaluated (server local)', () => {
  let deployment: Deployment;
  let api: string;

  beforeAll(async () => {
    deployment = await startDeployment('local');
    api = deployment.api;
  }, 90_000);

  afterAll(() => deployment?.stop());

  it('records a FAILED execution that ran no task, whose logs say why', async () => {
    const deployed = await httpJson(`${api}/api/v1/flows`, { method: 'POST', headers: { 'content-type': 'application/x-yaml' }, body: FLOW });
    expect(deployed.status).toBe(200);
    const failed = await eventually(
      'a FAILED execution of the scheduled flow',
      async () => {
        const { body } = await httpJson<{ results: ExecutionView[] }>(`${api}/api/v1/executions/search?namespace=io.osprey.schedule&flowId=broken-condition&state=FAILED&size=1`);
        return body.results[0];
      },
      60_000,
      250,
    );
    expect(failed.taskRunList).toEqual([]);
    expect(failed.trigger?.id).toBe('every-second');
    const logs = await httpJson<{ level: string; message: string }[]>(`${api}/api/v1/logs/${failed.id}`);
    expect(logs.body).toEqual([expect.objectContaining({ level: 'ERROR', message: expect.stringMatching(/^Unable to evaluate the Schedule trigger 'every-second': .*nosuchfilter/) })]);
    const all = await httpJson<{ results: ExecutionView[] }>(`${api}/api/v1/executions/search?namespace=io.osprey.schedule&flowId=broken-condition&size=100`);
    expect(all.body.results.every((e) => e.state.current === 'FAILED')).toBe(true);
  }, 90_000);
});
