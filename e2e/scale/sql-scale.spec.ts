import type { SqlTestServer } from '@osprey/sql/testing';
import { httpJson, eventually } from '../support/osprey-process.js';
import { Cluster, deployFlow, ENDED_STATES, forEachShellFlow, metricValue, pool, scheduledFlow, searchExecutions, searchTaskRuns, seconds, type ServiceProcess } from './cluster.js';

/**
 * The medium deployment under failure: 2 webservers, 2 executors, 3 workers and 2 schedulers as separate
 * processes on one database. 200 executions of a ForEach over three shell tasks are created through both
 * webservers while one process of each service is SIGKILLed and replaced. Every execution must end SUCCESS,
 * exactly once, and no task run may have succeeded twice.
 */
const NAMESPACE = 'io.osprey.scale';
const EXECUTIONS = 200;
const VALUES = ['a', 'b', 'c'];
// Shell tasks of 1 s: the worker killed while its gauge shows two running jobs still holds them at the SIGKILL (with
// 0.2 s the executor's speed let them finish in between).
const FOR_EACH_SHELL = forEachShellFlow(NAMESPACE, 'scale-foreach', VALUES, 1);
// A schedule every 5 s keeps the schedulers busy, so that killing one of them is a takeover, not a no-op.
const SCHEDULED = scheduledFlow(NAMESPACE, 'scale-scheduled', '*/5 * * * * *', true);

function scaleSuite(server: SqlTestServer): void {
  describe(`medium deployment on ${server}: services SIGKILLed while 200 executions run`, () => {
    let cluster: Cluster;

    afterAll(async () => {
      await cluster?.destroy();
    });

    it('ends every execution SUCCESS exactly once, with no task run succeeding twice', async () => {
      const t0 = Date.now();
      const timings: Record<string, string> = {};
      cluster = await Cluster.create(server, 'scale');
      const [web1, web2, exec1] = await Promise.all([
        cluster.start('webserver', 'webserver-1'),
        cluster.start('webserver', 'webserver-2'),
        cluster.start('executor', 'executor-1'),
        cluster.start('executor', 'executor-2'),
        cluster.start('worker', 'worker-1'),
        cluster.start('worker', 'worker-2'),
        cluster.start('worker', 'worker-3'),
        cluster.start('scheduler', 'scheduler-1'),
        cluster.start('scheduler', 'scheduler-2'),
      ]);
      timings.start9Processes = seconds(Date.now() - t0);
      await deployFlow(web1!.url, FOR_EACH_SHELL);
      await deployFlow(web2!.url, SCHEDULED);

      const webservers: ServiceProcess[] = [web1!, web2!];
      const created: string[] = [];
      const createdVia = new Map<string, number>();
      const trigger = async (i: number) => {
        const web = webservers[i % webservers.length]!;
        const response = await httpJson<{ id: string }>(`${web.url}/api/v1/executions/${NAMESPACE}/scale-foreach`, { method: 'POST' });
        expect(response.status).toBe(200);
        created.push(response.body.id);
        createdVia.set(web.name, (createdVia.get(web.name) ?? 0) + 1);
      };
      // Five batches of 40, 4 requests in flight; one service process is SIGKILLed during or between batches. No
      // request is in flight to the webserver that is killed, so every request has one answer and one execution.
      const batch = (from: number) => pool(40, 4, (i) => trigger(from + i));
      const tTrigger = Date.now();

      await batch(0);
      await cluster.kill(web2!);
      webservers[1] = await cluster.start('webserver', 'webserver-3');
      timings.webserverReplaced = seconds(Date.now() - tTrigger);

      const second = batch(40);
      await new Promise((r) => setTimeout(r, 1000));
      await cluster.kill(exec1!); // it holds claims on running executions: they move to executor-2 once the lease ends
      const executorReplacement = cluster.start('executor', 'executor-3');
      timings.executorKilled = seconds(Date.now() - tTrigger);

      await second;
      const third = batch(80);
      // The victim is a worker that runs jobs right now (its own gauge says so), so its leases must expire and
      // its jobs run elsewhere.
      const workers = cluster.services.filter((s) => s.role === 'worker');
      const workerVictim = await eventually(
        'a worker running at least two jobs',
        async () => {
          for (const worker of workers) if ((await metricValue(worker, 'osprey_worker_active_jobs')) >= 2) return worker;
          return undefined;
        },
        20_000,
        20,
      );
      await cluster.kill(workerVictim);
      const workerReplacement = cluster.start('worker', 'worker-4');
      timings.workerKilled = seconds(Date.now() - tTrigger);

      await third;
      await batch(120);
      // Kill a scheduler right after a fire of the 5 s schedule has been released, then count on the other.
      const scheduledBefore = (await searchExecutions(webservers[0]!.url, NAMESPACE, 'scale-scheduled')).total;
      await eventually('a schedule fire', async () => ((await searchExecutions(webservers[0]!.url, NAMESPACE, 'scale-scheduled')).total > scheduledBefore ? true : undefined), 20_000, 100);
      await new Promise((r) => setTimeout(r, 500));
      const schedulerVictim = cluster.services.find((s) => s.name === 'scheduler-1')!;
      await cluster.kill(schedulerVictim);
      const schedulerKilledAt = Date.now();
      const schedulerReplacement = cluster.start('scheduler', 'scheduler-3');
      timings.schedulerKilled = seconds(Date.now() - tTrigger);

      await batch(160);
      timings.allTriggered = seconds(Date.now() - tTrigger);
      await Promise.all([executorReplacement, workerReplacement, schedulerReplacement]);

      const api = webservers[1]!.url;
      const ended = await eventually(
        `${EXECUTIONS} executions to end`,
        async () => {
          const found = await searchExecutions(api, NAMESPACE, 'scale-foreach');
          return found.results.length >= EXECUTIONS && found.results.every((e) => ENDED_STATES.has(e.state.current)) ? found : undefined;
        },
        180_000,
        1000,
      );
      timings.allEnded = seconds(Date.now() - tTrigger);

      // Exactly the executions that were created, each once, each SUCCESS.
      expect(created).toHaveLength(EXECUTIONS);
      expect(ended.total).toBe(EXECUTIONS);
      expect(ended.results.map((e) => e.id).sort()).toEqual([...created].sort());
      expect(ended.results.filter((e) => e.state.current !== 'SUCCESS').map((e) => `${e.id} ${e.state.current}`)).toEqual([]);
      expect(createdVia.get('webserver-1')).toBe(100);
      expect(createdVia.get('webserver-2')! + createdVia.get('webserver-3')!).toBe(100);

      // Task runs, read through the Task Runs search: one ForEach and one shell per value per execution, each
      // with exactly one successful attempt.
      const taskRuns = await searchTaskRuns(api, NAMESPACE, 'scale-foreach');
      expect(taskRuns.total).toBe(EXECUTIONS * (1 + VALUES.length));
      const keys = taskRuns.results.map((t) => `${t.executionId}/${t.taskId}/${t.value ?? ''}`);
      expect(new Set(keys).size).toBe(keys.length);
      const shells = taskRuns.results.filter((t) => t.taskId === 'shell');
      expect(shells).toHaveLength(EXECUTIONS * VALUES.length);
      const twice = taskRuns.results.filter((t) => (t.attempts ?? []).filter((a) => a.state.current === 'SUCCESS').length > 1);
      expect(twice.map((t) => t.id)).toEqual([]);
      expect(shells.filter((t) => t.state.current !== 'SUCCESS' || (t.attempts ?? []).filter((a) => a.state.current === 'SUCCESS').length !== 1)).toEqual([]);

      // Every process took part, replacements included.
      const workerIds = new Set(shells.flatMap((t) => (t.attempts ?? []).map((a) => a.workerId)));
      const workerPids = cluster.services.filter((s) => s.role === 'worker').map((s) => s.process.pid);
      expect(workerPids.filter((pid) => [...workerIds].some((id) => id?.includes(`-${pid}-`)))).toHaveLength(workerPids.length);

      // The schedule kept firing after one scheduler died (the run may end before its next occurrence: wait for
      // one), each date once.
      const dateOf = (e: Awaited<ReturnType<typeof searchExecutions>>['results'][number]) => e.scheduleDate ?? e.trigger?.variables?.date;
      const scheduled = await eventually(
        'a scheduled execution after the scheduler was killed',
        async () => {
          const found = await searchExecutions(api, NAMESPACE, 'scale-scheduled');
          return found.results.some((e) => Date.parse(String(dateOf(e))) > schedulerKilledAt + 1000) ? found : undefined;
        },
        30_000,
        500,
      );
      const dates = scheduled.results.map(dateOf);
      expect(dates.every(Boolean)).toBe(true);
      expect(new Set(dates).size).toBe(dates.length);

      const reruns = cluster.logLines().filter(({ line }) => String(line.msg).startsWith('running a job again')).length;
      const reloads = cluster.logLines().filter(({ line }) => String(line.msg).startsWith('execution changed elsewhere')).length;
      const dead = cluster.logLines().filter(({ line }) => String(line.msg).startsWith('instance missed its heartbeats')).length;
      timings.total = seconds(Date.now() - t0);
      console.log(`${server} scale run: ${JSON.stringify({ ...timings, storage: cluster.storage, jobsRunAgain: reruns, executionReloads: reloads, instancesMarkedDead: dead, scheduledExecutions: dates.length })}`);
      // The killed worker held leases: its jobs ran again elsewhere.
      expect(reruns).toBeGreaterThan(0);
    }, 330_000);
  });
}

scaleSuite('postgres');
scaleSuite('mysql');
