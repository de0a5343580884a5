import { eventually, httpJson } from '../support/osprey-process.js';
import { Cluster, type ServiceProcess } from '../scale/cluster.js';
import { kafkaOpenSearchYaml } from '../support/test-servers.js';

/**
 * Flow trigger preconditions on Kafka + OpenSearch with the services as separate processes and two executors: the
 * upstream executions are decided by either executor and their results routed to whichever owns the triggered flow's
 * window inbox key. Each round of both upstreams fires exactly once; a window holding one result survives the
 * SIGKILL of every executor (its record is in the compacted topic) and the next executor completes it, once.
 */
const NS = 'io.osprey.preconditions.ha';
const upstream = (id: string) => `id: ${id}
namespace: ${NS}
tasks:
  - id: work
    type: io.kestra.plugin.core.debug.Return
    format: "${id} done"
`;
const JOINED = `id: joined
namespace: ${NS}
tasks:
  - id: report
    type: io.kestra.plugin.core.debug.Return
    format: "after {{ trigger.flowId }}"
triggers:
  - id: both-upstreams
    type: io.kestra.plugin.core.trigger.Flow
    preconditions:
      id: both
      flows:
        - { namespace: ${NS}, flowId: up-a, states: [SUCCESS] }
        - { namespace: ${NS}, flowId: up-b, states: [SUCCESS] }
  - id: seen-up-a
    type: io.kestra.plugin.core.trigger.Flow
    preconditions:
      id: one
      flows:
        - { namespace: ${NS}, flowId: up-a }
`;

interface ExecutionView {
  id: string;
  state: { current: string };
  trigger?: { id: string };
}


async function metric(service: ServiceProcess, name: string): Promise<number | undefined> {
  // A scrape answers within the metrics' collect timeout (5 s) even while the process's Kafka group rebalances.
  const text = await (await fetch(`${service.url}/metrics`, { signal: AbortSignal.timeout(30_000) })).text();
  const line = text.split('\n').find((l) => l.startsWith(`${name} `));
  return line ? Number(line.split(' ')[1]) : undefined;
}

describe('Flow trigger preconditions on Kafka + OpenSearch with two executor processes', () => {
  let cluster: Cluster | undefined;

  afterAll(async () => {
    await cluster?.destroy();
  }, 300_000);

  it('fires once per round of both upstreams, and completes a window after every executor was killed', async () => {
    const prefix = `preha-${process.pid}-${Date.now().toString(36)}`;
    cluster = await Cluster.withBackend('kafka', 'preconditions', kafkaOpenSearchYaml(prefix, 4), async () => undefined);
    const [web, first, second, , indexer] = await Promise.all([
      cluster.start('webserver', 'webserver', 120_000),
      cluster.start('executor', 'executor-1', 120_000),
      cluster.start('executor', 'executor-2', 120_000),
      cluster.start('worker', 'worker', 120_000),
      cluster.start('indexer', 'indexer', 120_000),
    ]);
    const api = web!.url;
    for (const source of [upstream('up-a'), upstream('up-b'), JOINED]) {
      // A search server still creating its indices answers 503 for a moment: deploy once it takes the flow.
      await eventually(
        'the flow to be deployed',
        async () => {
          const deployed = await httpJson(`${api}/api/v1/flows`, { method: 'POST', headers: { 'content-type': 'application/x-yaml' }, body: source });
          if (deployed.status !== 200 && deployed.status !== 503) throw new Error(`deploying the flow answered ${deployed.status}`);
          return deployed.status === 200 ? true : undefined;
        },
        120_000,
        1000,
      );
    }
    const run = async (flowId: string) => {
      const ran = await httpJson<ExecutionView>(`${api}/api/v1/executions/${NS}/${flowId}?wait=true`, { method: 'POST' });
      expect(ran.body.state.current).toBe('SUCCESS');
    };
    const joinedBy = async (triggerId: string) =>
      (await httpJson<{ results: ExecutionView[] }>(`${api}/api/v1/executions/search?namespace=${NS}&flowId=joined&size=100`)).body.results.filter((e) => e.trigger?.id === triggerId);
    const reaches = (triggerId: string, count: number) =>
      eventually(`${count} execution(s) of joined by ${triggerId}`, async () => ((await joinedBy(triggerId)).length >= count ? true : undefined), 120_000, 500);

    const rounds = 3;
    for (let round = 1; round <= rounds; round++) {
      await Promise.all([run('up-a'), run('up-b')]);
      await reaches('both-upstreams', round);
    }

    // One result in the window, then every executor dies; a new one restores the window and completes it.
    await run('up-a');
    await reaches('seen-up-a', rounds + 1);
    await Promise.all([cluster.kill(first!), cluster.kill(second!)]);
    const third = await cluster.start('executor', 'executor-3', 120_000);
    await run('up-b');
    await reaches('both-upstreams', rounds + 1);

    // Nothing left in flight (the inbox drained, everything indexed): no result was applied twice.
    let drained: Record<string, number | undefined> = {};
    await eventually(
      'the inbox and the indexer to drain',
      async () => {
        const pending = await metric(third, 'osprey_execution_events_pending');
        const lag = await metric(indexer!, 'osprey_indexer_lag');
        drained = { pending, lag };
        return pending === 0 && lag === 0 ? true : undefined;
      },
      120_000,
      500,
    ).catch((error: Error) => {
      throw new Error(`${error.message}: last seen ${JSON.stringify(drained)}`);
    });
    expect(await joinedBy('both-upstreams')).toHaveLength(rounds + 1);
    expect(await joinedBy('seen-up-a')).toHaveLength(rounds + 1);
  }, 600_000);
});
