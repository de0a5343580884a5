import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { eventually, httpJson, OspreyProcess } from './support/osprey-process.js';

/**
 * A worker dies in the middle of a long task: the job's lease expires and the other worker runs it.
 * Executor, webserver and two workers are separate processes on one SQLite file.
 */
interface TaskRunView {
  taskId: string;
  state: { current: string };
  attempts: { state: { current: string }; workerId?: string }[];
}
interface ExecutionView {
  id: string;
  state: { current: string };
  taskRunList: TaskRunView[];
}

const FLOW = `id: long-shell
namespace: io.osprey.e2e
tasks:
  - id: before
    type: io.kestra.plugin.core.log.Log
    message: starting
  - id: long
    type: io.kestra.plugin.scripts.shell.Commands
    commands:
      - echo begin
      - sleep 120
      - echo '::{"outputs":{"done":"yes"}}::'
  - id: after
    type: io.kestra.plugin.core.debug.Return
    format: "{{ outputs.long.vars.done }}"
`;

describe('a worker killed while it runs a task', () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'osprey-failover-'));
  const env = { OSPREY_WORKER_LEASE_MS: '3000', OSPREY_INSTANCE_HEARTBEAT_MS: '1000', OSPREY_LOGGING_LEVEL: 'info' };
  const processes: OspreyProcess[] = [];
  const start = (name: string, args: string[]) => {
    const p = new OspreyProcess(name, [...args, '--data-dir', dataDir], env);
    processes.push(p);
    return p;
  };

  afterAll(async () => {
    await Promise.all(processes.map((p) => p.stop()));
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('hands the job to the other worker and the execution ends SUCCESS with one successful attempt', async () => {
    const webserver = start('webserver', ['webserver', '--port', '0']);
    const listening = await webserver.waitForLog(/listening on/);
    const api = String(listening.url);
    start('executor', ['executor', '--port', '0']);
    const workers = [start('worker-1', ['worker', '--port', '0']), start('worker-2', ['worker', '--port', '0'])];
    await Promise.all([...processes.map((p) => p.waitForLog(/osprey services started/))]);

    const deployed = await httpJson(`${api}/api/v1/flows`, { method: 'POST', headers: { 'content-type': 'application/x-yaml' }, body: FLOW });
    expect(deployed.status).toBe(200);
    const created = await httpJson<ExecutionView>(`${api}/api/v1/executions/io.osprey.e2e/long-shell`, { method: 'POST' });
    expect(created.status).toBe(200);
    const id = created.body.id;

    const running = await eventually(
      'the long task to run on a worker',
      async () => {
        const { body } = await httpJson<ExecutionView>(`${api}/api/v1/executions/${id}`);
        const long = body?.taskRunList?.find((r) => r.taskId === 'long');
        return long?.attempts[0]?.workerId && long.state.current === 'RUNNING' ? long : undefined;
      },
      60_000,
    );
    const firstWorkerId = running.attempts[0]!.workerId!;
    const victim = workers.find((w) => firstWorkerId.includes(`-${w.pid}-`));
    expect(victim).toBeDefined();
    await new Promise((r) => setTimeout(r, 2000)); // let the task get going
    await victim!.kill('SIGKILL');

    const ended = await eventually(
      'the execution to end',
      async () => {
        const { body } = await httpJson<ExecutionView>(`${api}/api/v1/executions/${id}`);
        return ['SUCCESS', 'FAILED', 'KILLED', 'WARNING'].includes(body?.state?.current) ? body : undefined;
      },
      240_000,
      1000,
    );
    expect(ended.state.current).toBe('SUCCESS');
    const long = ended.taskRunList.filter((r) => r.taskId === 'long');
    expect(long).toHaveLength(1);
    const successes = long[0]!.attempts.filter((a) => a.state.current === 'SUCCESS');
    expect(successes).toHaveLength(1);
    expect(successes[0]!.workerId).not.toBe(firstWorkerId);
    expect(ended.taskRunList.find((r) => r.taskId === 'after')?.state.current).toBe('SUCCESS');
    expect(ended.taskRunList.map((r) => r.taskId)).toEqual(['before', 'long', 'after']);
  }, 360_000);
});
