import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { eventually, httpJson, OspreyProcess } from '../support/osprey-process.js';
import { writeKafkaOpenSearchConfig } from '../support/test-servers.js';

/**
 * The task-run filters on the run's execution (labels, triggerExecutionId, childFilter) through the API, on SQLite and
 * on Kafka + OpenSearch, where the indexer copies the execution's labels and parent onto each task-run document: a
 * label the Labels task adds mid-run must reach the task runs that ended before it, and a subflow's task runs must
 * name their parent.
 */
const NAMESPACE = 'io.osprey.trfilters';

const PARENT = `id: parent
namespace: ${NAMESPACE}
labels:
  team: data
tasks:
  - id: first
    type: io.kestra.plugin.core.debug.Return
    format: before the label
  - id: relabel
    type: io.kestra.plugin.core.execution.Labels
    labels:
      stage: done
  - id: call
    type: io.kestra.plugin.core.flow.Subflow
    namespace: ${NAMESPACE}
    flowId: child
    wait: true
`;

const CHILD = `id: child
namespace: ${NAMESPACE}
tasks:
  - id: hello
    type: io.kestra.plugin.core.debug.Return
    format: child
`;

const ENDED = new Set(['SUCCESS', 'WARNING', 'FAILED', 'KILLED', 'CANCELLED']);

interface TaskRunView {
  id: string;
  executionId: string;
  taskId: string;
  state: { current: string };
}
interface Paged<T> {
  total: number;
  results: T[];
}


const BACKENDS: { name: string; args(dir: string): string[] }[] = [
  { name: 'SQLite (server local)', args: (dir) => ['server', 'local', '--data-dir', dir] },
  {
    name: 'Kafka + OpenSearch (server standalone)',
    args(dir) {
      const prefix = `trf-${process.pid}-${Date.now().toString(36)}`;
      const config = writeKafkaOpenSearchConfig(dir, prefix);
      return ['server', 'standalone', '--config', config];
    },
  },
];

describe.each(BACKENDS)('task-run filters on the execution, on $name', (backend) => {
  let dir: string;
  let server: OspreyProcess;
  let api: string;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'osprey-trfilters-'));
    server = new OspreyProcess('server', [...backend.args(dir), '--port', '0'], { OSPREY_LOGGING_LEVEL: 'info' });
    api = `${String((await server.waitForLog(/listening on/, 60_000)).url)}/api/v1`;
    // A search repository still creating its indices answers 503 for a moment: deploy once it takes the flows.
    for (const source of [CHILD, PARENT]) {
      await eventually(
        'the flow to be deployed',
        async () => {
          const deployed = await httpJson(`${api}/flows`, { method: 'POST', headers: { 'content-type': 'application/x-yaml' }, body: source });
          if (deployed.status !== 200 && deployed.status !== 503) throw new Error(`deploying the flow answered ${deployed.status}`);
          return deployed.status === 200 ? true : undefined;
        },
        60_000,
        500,
      );
    }
  }, 120_000);

  afterAll(async () => {
    await server?.stop();
    rmSync(dir, { recursive: true, force: true });
  }, 60_000);

  it("finds task runs by their execution's labels (added mid-run included), parent and kind, with paging totals", async () => {
    const created = await httpJson<{ id: string }>(`${api}/executions/${NAMESPACE}/parent`, { method: 'POST' });
    expect(created.status).toBe(200);
    const parentId = created.body.id;
    const search = async (filters: string, size = 100) => {
      const found = await httpJson<Paged<TaskRunView>>(`${api}/taskruns/search?filters[namespace][EQUALS]=${NAMESPACE}&size=${size}${filters}`);
      expect(found.status).toBe(200);
      return found.body;
    };
    // Both executions ended and indexed: the parent's three task runs and the child's one, all ended.
    await eventually(
      'the parent and its subflow to end, with their task runs searchable',
      async () => {
        const all = await search('');
        const ended = all.results.filter((t) => ENDED.has(t.state.current));
        return ended.length === 4 && ended.filter((t) => t.executionId === parentId).length === 3 ? true : undefined;
      },
      120_000,
      500,
    );
    const runs = (page: Paged<TaskRunView>) => page.results.map((t) => `${t.executionId === parentId ? 'parent' : 'child'}.${t.taskId}`).sort();

    expect(runs(await search('&filters[labels][EQUALS][stage]=done'))).toEqual(['parent.call', 'parent.first', 'parent.relabel']);
    expect(runs(await search('&filters[labels][EQUALS][team]=data'))).toEqual(['parent.call', 'parent.first', 'parent.relabel']);
    expect(runs(await search('&filters[labels][NOT_EQUALS][stage]=done'))).toEqual(['child.hello']);
    expect(runs(await search(`&filters[triggerExecutionId][EQUALS]=${parentId}`))).toEqual(['child.hello']);
    expect(runs(await search('&filters[childFilter][EQUALS]=CHILD'))).toEqual(['child.hello']);
    expect(runs(await search('&filters[childFilter][EQUALS]=MAIN'))).toEqual(['parent.call', 'parent.first', 'parent.relabel']);
    const page = await search('&filters[labels][EQUALS][stage]=done&filters[childFilter][EQUALS]=MAIN', 2);
    expect(page.total).toBe(3);
    expect(page.results).toHaveLength(2);
  });
});
