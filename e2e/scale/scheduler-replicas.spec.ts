import { eventually } from '../support/osprey-process.js';
import { Cluster, deployFlow, ENDED_STATES, scheduledFlow, searchExecutions, seconds, type ExecutionSummary } from './cluster.js';

/**
 * Two scheduler replicas on one PostgreSQL database (with an executor, a worker and a webserver): each
 * occurrence of a Schedule fires exactly once, whichever replica holds the trigger when it is due.
 */
const NAMESPACE = 'io.osprey.scheduler';
const dateOf = (e: ExecutionSummary): string => e.scheduleDate ?? e.trigger?.variables?.date ?? '';

describe('two scheduler replicas on postgres', () => {
  let cluster: Cluster | undefined;

  afterEach(async () => {
    await cluster?.destroy();
    cluster = undefined;
  });

  async function startCluster(): Promise<string> {
    cluster = await Cluster.create('postgres', 'schedulers');
    const [web] = await Promise.all([
      cluster.start('webserver', 'webserver'),
      cluster.start('executor', 'executor'),
      cluster.start('worker', 'worker'),
      cluster.start('scheduler', 'scheduler-1'),
      cluster.start('scheduler', 'scheduler-2'),
    ]);
    return web!.url;
  }

  /** Which scheduler process logged the fire of each execution. */
  function firedBy(): Map<string, string> {
    const fired = new Map<string, string>();
    for (const { name, line } of cluster!.logLines()) if (line.msg === 'schedule fired') fired.set(String(line.executionId), name);
    return fired;
  }

  it('a per-minute Schedule fires exactly three executions over three fire times, one a minute', async () => {
    const t0 = Date.now();
    const api = await startCluster();
    await deployFlow(api, scheduledFlow(NAMESPACE, 'every-minute', '* * * * *', false));
    const first = await eventually(
      'the first fire',
      async () => {
        const found = await searchExecutions(api, NAMESPACE, 'every-minute');
        return found.total > 0 ? found.results[0] : undefined;
      },
      75_000,
      500,
    );
    const firstDate = Date.parse(dateOf(first));
    expect(firstDate % 60_000).toBe(0);
    // Observe up to 15 s past the third fire time, well before the fourth.
    const until = firstDate + 2 * 60_000 + 15_000;
    await new Promise((r) => setTimeout(r, Math.max(0, until - Date.now())));
    const found = await searchExecutions(api, NAMESPACE, 'every-minute');
    const dates = found.results.map(dateOf).sort();
    expect(found.total).toBe(3);
    expect(dates).toEqual([0, 1, 2].map((m) => new Date(firstDate + m * 60_000).toISOString()));
    expect(found.results.every((e) => e.state.current === 'SUCCESS')).toBe(true);
    const fired = firedBy();
    expect(found.results.map((e) => fired.get(e.id)).every(Boolean)).toBe(true);
    console.log(`per-minute schedule, 2 replicas: ${JSON.stringify({ wall: seconds(Date.now() - t0), fromFirstFire: seconds(Date.now() - firstDate), firedBy: found.results.map((e) => `${dateOf(e)} ${fired.get(e.id)}`) })}`);
  }, 300_000);

  it('a Schedule every 2 s (withSeconds) fires each second-level occurrence once, a replica SIGKILLed on the way', async () => {
    const t0 = Date.now();
    const api = await startCluster();
    await deployFlow(api, scheduledFlow(NAMESPACE, 'every-2s', '*/2 * * * * *', true));
    const started = Date.now();
    await new Promise((r) => setTimeout(r, 12_000));
    // SIGKILL one replica (whatever it holds then is released by lease expiry, scheduler.leaseMs = 3 s).
    const victim = cluster!.services.find((s) => s.name === 'scheduler-1')!;
    await cluster!.kill(victim);
    const killedAt = Date.now();
    await new Promise((r) => setTimeout(r, 12_000));
    const stoppedAt = Date.now();
    const found = await eventually(
      'the fired executions to end',
      async () => {
        const all = await searchExecutions(api, NAMESPACE, 'every-2s');
        return all.results.every((e) => ENDED_STATES.has(e.state.current)) ? all : undefined;
      },
      30_000,
      500,
    );
    const dates = found.results.map(dateOf).map(Date.parse).sort((a, b) => a - b);
    // Every fire is at an even second, each date once, and no due date was skipped (no gap longer than 2 s).
    expect(dates.every((d) => d % 2000 === 0)).toBe(true);
    expect(new Set(dates).size).toBe(dates.length);
    const gaps = dates.slice(1).map((d, i) => d - dates[i]!);
    expect(gaps.filter((g) => g !== 2000)).toEqual([]);
    expect(dates[0]!).toBeLessThanOrEqual(started + 4000);
    expect(dates[dates.length - 1]!).toBeGreaterThanOrEqual(stoppedAt - 4000);
    expect(dates.filter((d) => d > killedAt + 1000).length).toBeGreaterThan(3);
    expect(found.results.every((e) => e.state.current === 'SUCCESS')).toBe(true);
    const fired = firedBy();
    const byScheduler = new Map<string, number>();
    for (const e of found.results) byScheduler.set(fired.get(e.id) ?? '?', (byScheduler.get(fired.get(e.id) ?? '?') ?? 0) + 1);
    console.log(`2 s schedule, 2 replicas, one killed: ${JSON.stringify({ wall: seconds(Date.now() - t0), executions: dates.length, byScheduler: Object.fromEntries(byScheduler) })}`);
  }, 120_000);
});
