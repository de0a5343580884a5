import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { eventually, httpJson } from '../support/osprey-process.js';
import { Cluster, deployFlow, type ServiceProcess } from './cluster.js';
import { startSearchNode, type SearchNode } from './search-node.js';

/**
 * Kafka + OpenSearch with the search server stopped: executors decide with the flows they read from the queue, so
 * executions keep ending (docs/deploy-ha.md, failure behaviour). Executions started before the outage wait on a
 * gate file that is created once the search server is down; others are started during the outage. Each one
 * starts a subflow (the latest revision of a flow deployed before the outage) and its end is checked against
 * Flow triggers, which start a third flow. All of it must end while the search server is still down.
 */
const NAMESPACE = 'io.osprey.outage';
const BEFORE = 3;
const DURING = 2;

function gatedFlow(gate: string): string {
  return `id: gated
namespace: ${NAMESPACE}
tasks:
  - id: wait-for-gate
    type: io.kestra.plugin.scripts.shell.Commands
    taskRunner:
      type: io.kestra.plugin.core.runner.Process
    commands:
      - while [ ! -f ${gate} ]; do sleep 0.2; done
  - id: child
    type: io.kestra.plugin.core.flow.Subflow
    namespace: ${NAMESPACE}
    flowId: child
    wait: true
`;
}

const CHILD = `id: child
namespace: ${NAMESPACE}
tasks:
  - id: hello
    type: io.kestra.plugin.core.log.Log
    message: child of {{ trigger.executionId }}
`;

const DOWNSTREAM = `id: downstream
namespace: ${NAMESPACE}
tasks:
  - id: hello
    type: io.kestra.plugin.core.log.Log
    message: after {{ trigger.executionId }}
triggers:
  - id: after-gated
    type: io.kestra.plugin.core.trigger.Flow
    conditions:
      - type: io.kestra.plugin.core.condition.ExecutionStatus
        in:
          - SUCCESS
      - type: io.kestra.plugin.core.condition.ExecutionFlow
        namespace: ${NAMESPACE}
        flowId: gated
`;

describe('Kafka + OpenSearch with the search server stopped', () => {
  let cluster: Cluster | undefined;
  let search: SearchNode | undefined;
  let dir: string | undefined;

  afterAll(async () => {
    await cluster?.destroy();
    await search?.stop();
    if (dir) rmSync(dir, { recursive: true, force: true });
  }, 120_000);

  it('ends executions, starts their subflows and fires Flow triggers from the flows the executors read from the queue', async () => {
    const brokers = process.env.OSPREY_TEST_KAFKA_BROKERS;
    if (!brokers) throw new Error('OSPREY_TEST_KAFKA_BROKERS is not set: run through `npm test`, which starts Kafka (scripts/servers/kafka.mjs)');
    dir = mkdtempSync(join(tmpdir(), 'osprey-search-outage-'));
    // A search node of the test's own: the shared one must not go down.
    search = await startSearchNode(join(dir, 'search'));
    const prefix = `outage-${process.pid}-${Date.now().toString(36)}`;
    const backend = [
      'queue:',
      '  type: kafka',
      `  brokers: ${brokers}`,
      `  topicPrefix: ${prefix}`,
      '  partitions: 2',
      'repository:',
      '  type: opensearch',
      `  url: ${search.url}`,
      `  indexPrefix: ${prefix}`,
      '',
    ].join('\n');
    cluster = await Cluster.withBackend('kafka', 'outage', backend, async () => undefined);
    // Generous: three Node processes and a search node starting together on a loaded 2-core machine.
    const START_MS = 240_000;
    const [web, executor] = await Promise.all([
      cluster.start('webserver', 'webserver', START_MS),
      cluster.start('executor', 'executor', START_MS),
      cluster.start('worker', 'worker', START_MS),
    ]);
    const gate = join(dir, 'gate');
    await deployFlow(web!.url, CHILD);
    await deployFlow(web!.url, DOWNSTREAM);
    await deployFlow(web!.url, gatedFlow(gate));

    const start = async (): Promise<string> => {
      const created = await httpJson<{ id: string }>(`${web!.url}/api/v1/executions/${NAMESPACE}/gated`, { method: 'POST' });
      expect(created.status).toBe(200);
      return created.body.id;
    };
    const gated: string[] = [];
    for (let i = 0; i < BEFORE; i++) gated.push(await start());
    // Each execution has reached its gate (the executor decided its start) before the search server goes away.
    await eventually('the executions before the outage running', async () => (gated.every((id) => reached(executor!, id, 'RUNNING')) ? true : undefined), 60_000);

    await search.stop();
    for (let i = 0; i < DURING; i++) gated.push(await start());
    writeFileSync(gate, '');

    const lines = () => executor!.process.lines;
    await eventually(
      'every execution, subflow and Flow-triggered execution to end while the search server is down',
      async () => {
        const gatedDone = gated.every((id) => reached(executor!, id, 'SUCCESS'));
        const children = lines().filter((l) => l.flowId === 'child' && l.state === 'SUCCESS').length;
        const downstream = lines().filter((l) => l.flowId === 'downstream' && l.state === 'SUCCESS').length;
        return gatedDone && children >= gated.length && downstream >= gated.length ? true : undefined;
      },
      90_000,
      250,
    ).catch((error: unknown) => {
      const states = lines().filter((l) => typeof l.state === 'string').map((l) => `${String(l.flowId)} ${String(l.executionId)} ${String(l.state)}`);
      // The executor's complaints: the worker's failed heartbeats to the stopped server are expected noise.
      const problems = cluster!.logLines().filter(({ name, line }) => name === 'executor' && (line.level === 'error' || line.level === 'warn')).slice(-20);
      console.log(JSON.stringify({ gated, states, problems: problems.map(({ name, line }) => `${name}: ${String(line.msg)} ${JSON.stringify(line.err ?? '').slice(0, 300)}`) }, null, 1));
      throw error;
    });
    expect(lines().filter((l) => l.flowId === 'gated' && l.state === 'FAILED')).toEqual([]);
    expect(lines().filter((l) => l.flowId === 'child' && l.state === 'SUCCESS')).toHaveLength(gated.length);
    expect(lines().filter((l) => l.flowId === 'downstream' && l.state === 'SUCCESS')).toHaveLength(gated.length);
  }, 900_000);
});

/** Whether the executor logged that execution `id` reached `state`. */
function reached(executor: ServiceProcess, id: string, state: string): boolean {
  return executor.process.lines.some((line) => line.executionId === id && line.state === state);
}
