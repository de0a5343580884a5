import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { eventually, httpJson } from '../support/osprey-process.js';
import { Cluster, deployFlow, ENDED_STATES, forEachShellFlow, metricValue, pool, scheduledFlow, searchExecutions, searchTaskRuns, seconds, type ServiceProcess } from './cluster.js';
import { startSearchNode, type SearchNode } from './search-node.js';

/**
 * The high-availability deployment under failure: 2 webservers, 2 executors, 3 workers, 2 schedulers and 2
 * indexers as separate processes on Kafka + OpenSearch (+ S3 when the test server runs). 200 executions of a
 * ForEach over shell tasks are created through both webservers while an executor, a worker and an indexer are
 * SIGKILLed and replaced, and the search server is stopped for 30 s and started again. Every execution must end
 * SUCCESS exactly once, and every execution, task run and log must be searchable through the API at the end.
 */
const NAMESPACE = 'io.osprey.ha';
const EXECUTIONS = 200;
const VALUES = ['a', 'b', 'c'];
const SEARCH_OUTAGE_MS = 30_000;
const FOR_EACH_SHELL = forEachShellFlow(NAMESPACE, 'ha-foreach', VALUES, 0.2);
const SCHEDULED = scheduledFlow(NAMESPACE, 'ha-scheduled', '*/5 * * * * *', true);

describe('high-availability deployment on Kafka + OpenSearch: services SIGKILLed and the search server stopped while 200 executions run', () => {
  let cluster: Cluster | undefined;
  let search: SearchNode | undefined;
  let searchDir: string | undefined;

  afterAll(async () => {
    await cluster?.destroy();
    await search?.stop();
    if (searchDir) rmSync(searchDir, { recursive: true, force: true });
  }, 120_000);

  it('ends every execution SUCCESS exactly once and makes every execution, task run and log searchable', async () => {
    const brokers = process.env.OSPREY_TEST_KAFKA_BROKERS;
    if (!brokers) throw new Error('OSPREY_TEST_KAFKA_BROKERS is not set: run through `npm test`, which starts Kafka (scripts/servers/kafka.mjs)');
    const t0 = Date.now();
    const timings: Record<string, string> = {};
    // A search node of its own, on a data folder that survives its restart: the shared one must not go down.
    searchDir = mkdtempSync(join(tmpdir(), 'osprey-ha-search-'));
    search = await startSearchNode(searchDir);
    timings.searchStarted = seconds(Date.now() - t0);
    const prefix = `ha-${process.pid}-${Date.now().toString(36)}`;
    const backend = [
      'queue:',
      '  type: kafka',
      `  brokers: ${brokers}`,
      `  topicPrefix: ${prefix}`,
      '  partitions: 4',
      'repository:',
      '  type: opensearch',
      `  url: ${search.url}`,
      `  indexPrefix: ${prefix}`,
      '',
    ].join('\n');
    cluster = await Cluster.withBackend('kafka', 'ha', backend, async () => undefined);
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
      cluster.start('indexer', 'indexer-1'),
      cluster.start('indexer', 'indexer-2'),
    ]);
    timings.start11Processes = seconds(Date.now() - t0);
    await deployFlow(web1!.url, FOR_EACH_SHELL);
    await deployFlow(web2!.url, SCHEDULED);

    const webservers: ServiceProcess[] = [web1!, web2!];
    const created: string[] = [];
    const trigger = async (i: number) => {
      const web = webservers[i % webservers.length]!;
      const response = await httpJson<{ id: string }>(`${web.url}/api/v1/executions/${NAMESPACE}/ha-foreach`, { method: 'POST' });
      expect(response.status).toBe(200);
      created.push(response.body.id);
    };
    const batch = (from: number) => pool(40, 4, (i) => trigger(from + i));
    const tTrigger = Date.now();

    await batch(0);
    const second = batch(40);
    await new Promise((r) => setTimeout(r, 1000));
    await cluster.kill(exec1!);
    // Replacements may come up while the search server is down: services wait for it (up to 2 min) before listening.
    const REPLACEMENT_START_MS = 240_000;
    const executorReplacement = cluster.start('executor', 'executor-3', REPLACEMENT_START_MS);
    timings.executorKilled = seconds(Date.now() - tTrigger);
    await second;

    const third = batch(80);
    const workers = cluster.services.filter((s) => s.role === 'worker');
    const workerVictim = await eventually(
      'a worker running at least two jobs',
      async () => {
        for (const worker of workers) if ((await metricValue(worker, 'osprey_worker_active_jobs')) >= 2) return worker;
        return undefined;
      },
      30_000,
      20,
    );
    await cluster.kill(workerVictim);
    const workerReplacement = cluster.start('worker', 'worker-4', REPLACEMENT_START_MS);
    timings.workerKilled = seconds(Date.now() - tTrigger);
    await third;

    // The search server goes away for 30 s while executions keep being created and run: the webservers cannot
    // search meanwhile, but Kafka holds everything and the indexers catch up once it is back.
    const fourth = batch(120);
    await search.stop();
    const outageStart = Date.now();
    const indexer1 = cluster.services.find((s) => s.name === 'indexer-1')!;
    await new Promise((r) => setTimeout(r, SEARCH_OUTAGE_MS / 2));
    await cluster.kill(indexer1);
    const indexerReplacement = cluster.start('indexer', 'indexer-3', REPLACEMENT_START_MS);
    timings.indexerKilled = seconds(Date.now() - tTrigger);
    await new Promise((r) => setTimeout(r, Math.max(0, SEARCH_OUTAGE_MS - (Date.now() - outageStart))));
    search = await startSearchNode(searchDir, search);
    timings.searchOutage = seconds(Date.now() - outageStart);
    await fourth;
    await batch(160);
    timings.allTriggered = seconds(Date.now() - tTrigger);
    await Promise.all([executorReplacement, workerReplacement, indexerReplacement]);

    const api = webservers[1]!.url;
    let last: Awaited<ReturnType<typeof searchExecutions>> | undefined;
    const ended = await eventually(
      `${EXECUTIONS} executions to end and be indexed`,
      async () => {
        const found = (last = await searchExecutions(api, NAMESPACE, 'ha-foreach').catch(() => undefined));
        return found && found.results.length >= EXECUTIONS && found.results.every((e) => ENDED_STATES.has(e.state.current)) ? found : undefined;
      },
      240_000,
      1000,
    ).catch((error: unknown) => {
      // What is stuck, and what the services complained about, to find out why.
      const states: Record<string, number> = {};
      for (const e of last?.results ?? []) states[e.state.current] = (states[e.state.current] ?? 0) + 1;
      const missing = created.filter((id) => !last?.results.some((e) => e.id === id));
      const problems = cluster!.logLines().filter(({ line }) => line.level === 'error' || line.level === 'warn').slice(-40);
      console.log(JSON.stringify({ timings, indexed: last?.total, states, missing: missing.slice(0, 10), problems: problems.map(({ name, line }) => `${name}: ${String(line.msg)} ${JSON.stringify(line.err ?? '').slice(0, 300)}`) }, null, 1));
      throw error;
    });
    timings.allEnded = seconds(Date.now() - tTrigger);

    expect(created).toHaveLength(EXECUTIONS);
    expect(ended.total).toBe(EXECUTIONS);
    expect(ended.results.map((e) => e.id).sort()).toEqual([...created].sort());
    expect(ended.results.filter((e) => e.state.current !== 'SUCCESS').map((e) => `${e.id} ${e.state.current}`)).toEqual([]);

    // Task runs through the Task Runs search: every one indexed, each shell with exactly one successful attempt.
    let lastTaskRuns: Awaited<ReturnType<typeof searchTaskRuns>> | undefined;
    const taskRuns = await eventually(
      'every task run indexed',
      async () => {
        const found = (lastTaskRuns = await searchTaskRuns(api, NAMESPACE, 'ha-foreach'));
        return found.total === EXECUTIONS * (1 + VALUES.length) && found.results.every((t) => t.state.current === 'SUCCESS') ? found : undefined;
      },
      120_000,
      1000,
    ).catch((error: unknown) => {
      const perExecution = new Map<string, string[]>();
      for (const t of lastTaskRuns?.results ?? []) perExecution.set(t.executionId, [...(perExecution.get(t.executionId) ?? []), `${t.taskId}/${t.value ?? ''}:${t.state.current}`]);
      const odd = [...perExecution].filter(([, runs]) => runs.length !== 1 + VALUES.length || runs.some((r) => !r.endsWith(':SUCCESS')));
      console.log(JSON.stringify({ timings, total: lastTaskRuns?.total, executionsWithTaskRuns: perExecution.size, odd: odd.slice(0, 5) }, null, 1));
      throw error;
    });
    const keys = taskRuns.results.map((t) => `${t.executionId}/${t.taskId}/${t.value ?? ''}`);
    expect(new Set(keys).size).toBe(keys.length);
    const shells = taskRuns.results.filter((t) => t.taskId === 'shell');
    expect(shells).toHaveLength(EXECUTIONS * VALUES.length);
    expect(shells.filter((t) => (t.attempts ?? []).filter((a) => a.state.current === 'SUCCESS').length !== 1).map((t) => t.id)).toEqual([]);

    // Logs through the log search: the line each shell task printed, for every execution and value.
    const logs = await eventually(
      'every shell log line indexed',
      async () => {
        const found = await httpJson<{ total: number; results: { executionId: string; taskRunId?: string; message: string }[] }>(
          `${api}/api/v1/logs/search?namespace=${NAMESPACE}&flowId=ha-foreach&q=ran&size=10000`,
        );
        if (found.status !== 200) return undefined;
        const lines = new Set(found.body.results.filter((l) => /^ran [abc] of /.test(l.message)).map((l) => l.message));
        return lines.size === EXECUTIONS * VALUES.length ? lines : undefined;
      },
      60_000,
      1000,
    );
    for (const id of created) for (const value of VALUES) expect(logs.has(`ran ${value} of ${id}`)).toBe(true);

    // The schedule fired through all of it, each date once.
    const scheduled = await searchExecutions(api, NAMESPACE, 'ha-scheduled');
    const dates = scheduled.results.map((e) => e.scheduleDate ?? e.trigger?.variables?.date);
    expect(dates.length).toBeGreaterThan(0);
    expect(new Set(dates).size).toBe(dates.length);

    const reruns = cluster.logLines().filter(({ line }) => String(line.msg).startsWith('running a job again')).length;
    const indexed = await Promise.all(cluster.services.filter((s) => s.role === 'indexer' && s.name !== 'indexer-1').map((s) => metricValue(s, 'osprey_indexer_lag')));
    timings.total = seconds(Date.now() - t0);
    console.log(`HA run: ${JSON.stringify({ ...timings, storage: cluster.storage, jobsRunAgain: reruns, indexerLagAtEnd: indexed, scheduledExecutions: dates.length })}`);
  }, 600_000);
});
