import { join } from 'node:path';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { eventually, httpJson } from '../support/osprey-process.js';
import { Cluster, deployFlow, ENDED_STATES, metricValue, searchExecutions, searchTaskRuns } from '../scale/cluster.js';

/**
 * Worker jobs on Redis (BullMQ) while executions, events and the repository stay on the queue backend (a SQLite
 * file shared by the processes): webserver, executor and two workers as separate processes. A worker running
 * jobs is SIGKILLed: BullMQ's stalled-job check gives its jobs to the other worker, and every execution ends
 * SUCCESS with exactly one successful attempt per task run.
 */
const NAMESPACE = 'io.osprey.redis';
const EXECUTIONS = 6;

const SLOW_SHELL = `id: slow
namespace: ${NAMESPACE}
tasks:
  - id: shell
    type: io.kestra.plugin.scripts.shell.Commands
    taskRunner:
      type: io.kestra.plugin.core.runner.Process
    commands:
      - sleep 3
      - echo "done {{ execution.id }}"
`;

describe('worker jobs on Redis (BullMQ), the rest on SQLite', () => {
  let cluster: Cluster | undefined;
  let dir: string | undefined;

  afterAll(async () => {
    await cluster?.destroy();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('runs the jobs of a SIGKILLed worker on the other one, each task run succeeding once', async () => {
    const url = process.env.OSPREY_TEST_REDIS_URL;
    if (!url) throw new Error('OSPREY_TEST_REDIS_URL is not set: run through `npm test`, which starts Redis (scripts/servers/redis.mjs)');
    dir = mkdtempSync(join(tmpdir(), 'osprey-redis-e2e-'));
    const prefix = `e2e-${process.pid}-${Date.now().toString(36)}`;
    const backend = `queue:\n  type: sqlite\n  path: ${join(dir, 'osprey.db')}\nworkerQueue:\n  type: redis\n  url: ${url}\n  prefix: ${prefix}\n`;
    cluster = await Cluster.withBackend('redis', 'redis', backend, async () => undefined);
    const [web] = await Promise.all([
      cluster.start('webserver', 'webserver'),
      cluster.start('executor', 'executor'),
      cluster.start('worker', 'worker-1'),
      cluster.start('worker', 'worker-2'),
    ]);
    await deployFlow(web!.url, SLOW_SHELL);
    const created: string[] = [];
    for (let i = 0; i < EXECUTIONS; i++) {
      const response = await httpJson<{ id: string }>(`${web!.url}/api/v1/executions/${NAMESPACE}/slow`, { method: 'POST' });
      expect(response.status).toBe(200);
      created.push(response.body.id);
    }
    const workers = cluster.services.filter((s) => s.role === 'worker');
    const victim = await eventually(
      'a worker running a job',
      async () => {
        for (const worker of workers) if ((await metricValue(worker, 'osprey_worker_active_jobs')) >= 1) return worker;
        return undefined;
      },
      30_000,
      20,
    );
    await cluster.kill(victim);

    const ended = await eventually(
      `${EXECUTIONS} executions to end`,
      async () => {
        const found = await searchExecutions(web!.url, NAMESPACE, 'slow');
        return found.total === EXECUTIONS && found.results.every((e) => ENDED_STATES.has(e.state.current)) ? found : undefined;
      },
      120_000,
      500,
    );
    expect(ended.results.map((e) => e.id).sort()).toEqual([...created].sort());
    expect(ended.results.filter((e) => e.state.current !== 'SUCCESS').map((e) => `${e.id} ${e.state.current}`)).toEqual([]);
    const taskRuns = await searchTaskRuns(web!.url, NAMESPACE, 'slow');
    expect(taskRuns.total).toBe(EXECUTIONS);
    expect(taskRuns.results.filter((t) => (t.attempts ?? []).filter((a) => a.state.current === 'SUCCESS').length !== 1).map((t) => t.id)).toEqual([]);
    // The killed worker held jobs: the survivor ran them again.
    const reruns = cluster.logLines().filter(({ line }) => String(line.msg).startsWith('running a job again')).length;
    expect(reruns).toBeGreaterThan(0);
  }, 240_000);
});
