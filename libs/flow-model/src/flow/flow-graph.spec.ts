import type { TaskRun } from '../execution/execution.js';
import { flowGraph, type FlowGraph } from './flow-graph.js';
import { parseFlow } from './parse-flow.js';

// Flows of the shapes Kestra's own FlowGraph tests use, with the node, edge and cluster counts its GraphUtils gives them.
const log = (id: string, indent: string) => `${indent}- id: ${id}\n${indent}  type: io.kestra.plugin.core.log.Log\n${indent}  message: hi\n`;
const graphOf = (body: string): FlowGraph => flowGraph(parseFlow(`id: graph\nnamespace: io.osprey.graph\n${body}`));
const edge = (graph: FlowGraph, source: RegExp, target: RegExp) => {
  const found = graph.edges.filter((e) => source.test(e.source) && target.test(e.target));
  expect(found).toHaveLength(1);
  return found[0]!;
};
const clusterOf = (graph: FlowGraph, uid: string) => graph.clusters.find((c) => c.cluster.uid === uid)!;

describe('flowGraph', () => {
  it('links sequential tasks from the flow start to its end', () => {
    const graph = graphOf(`tasks:\n${log('a', '  ')}${log('b', '  ')}${log('c', '  ')}`);
    expect(graph.nodes).toHaveLength(5);
    expect(graph.edges).toHaveLength(4);
    expect(graph.clusters).toEqual([]);
    expect(graph.nodes[2]).toEqual({ uid: 'root.a', type: 'io.kestra.core.models.hierarchies.GraphTask', error: false, relationType: 'SEQUENTIAL', task: expect.objectContaining({ id: 'a' }) });
    expect(graph.edges.map((e) => [e.source, e.target, e.relation])).toEqual([
      ['root._start', 'root.a', {}],
      ['root.a', 'root.b', { relationType: 'SEQUENTIAL' }],
      ['root.b', 'root.c', { relationType: 'SEQUENTIAL' }],
      ['root.c', 'root._end', {}],
    ]);
  });

  it('fans a Parallel out from its task node and every branch into its end', () => {
    const children = ['t1', 't2', 't3', 't4', 't5', 't6'].map((id) => log(id, '      ')).join('');
    const graph = graphOf(`tasks:\n  - id: parent\n    type: io.kestra.plugin.core.flow.Parallel\n    tasks:\n${children}${log('last', '  ')}`);
    expect([graph.nodes.length, graph.edges.length, graph.clusters.length]).toEqual([12, 16, 1]);
    expect(edge(graph, /parent$/, /parent\.t2$/).relation).toEqual({ relationType: 'PARALLEL' });
    const parent = clusterOf(graph, 'cluster_root.parent');
    expect(parent).toMatchObject({ parents: [], start: 'root.parent._start', end: 'root.parent._end', cluster: { type: 'io.kestra.core.models.hierarchies.GraphCluster', relationType: 'PARALLEL', taskNode: { uid: 'root.parent' } } });
    expect(edge(graph, /parent\.t4$/, /parent\._end$/).relation).toEqual({});
    expect(edge(graph, /parent\._end$/, /root\.last$/).relation).toEqual({ relationType: 'SEQUENTIAL' });
  });

  it('draws Switch cases as CHOICE edges carrying the case value, triggers in their own cluster, nested clusters with their parents', () => {
    const graph = graphOf(`tasks:
  - id: parent-seq
    type: io.kestra.plugin.core.flow.Switch
    value: "{{ inputs.string }}"
    cases:
      FIRST:
${log('t1', '        ')}      SECOND:
${log('t2', '        ')}${log('t2_sub', '        ')}      THIRD:
        - id: t3
          type: io.kestra.plugin.core.flow.Sequential
          tasks:
            - id: failed
              type: io.kestra.plugin.core.execution.Fail
          errors:
${log('error-t1', '            ')}    defaults:
${log('default', '      ')}triggers:
  - id: schedule
    type: io.kestra.plugin.core.trigger.Schedule
    cron: "0 0 * * *"
`);
    expect([graph.nodes.length, graph.edges.length, graph.clusters.length]).toEqual([17, 20, 3]);
    expect(edge(graph, /parent-seq$/, /parent-seq\.t1$/).relation).toEqual({ relationType: 'CHOICE', value: 'FIRST' });
    expect(edge(graph, /parent-seq$/, /parent-seq\.t3\._start$/).relation).toEqual({ relationType: 'CHOICE', value: 'THIRD' });
    expect(edge(graph, /parent-seq$/, /parent-seq\.default$/).relation).toEqual({ relationType: 'CHOICE', value: 'defaults' });
    expect(edge(graph, /\.t2$/, /\.t2_sub$/).relation).toEqual({ relationType: 'SEQUENTIAL', value: 'SECOND' });
    expect(clusterOf(graph, 'cluster_root.parent-seq.t3').parents).toEqual(['cluster_root.parent-seq']);
    expect(graph.nodes.find((n) => n.uid === 'root.parent-seq.t3.error-t1')).toMatchObject({ error: true, relationType: 'ERROR' });
    expect(edge(graph, /Triggers\._end$/, /^root\._start$/).relation).toEqual({});
    expect(graph.nodes.find((n) => n.uid === 'root.Triggers.schedule')).toMatchObject({ type: 'io.kestra.core.models.hierarchies.GraphTrigger', triggerDeclaration: { id: 'schedule' } });
  });

  it('starts the flow\'s error tasks from its start with ERROR edges and marks nested error clusters', () => {
    const nest = (depth: number, indent: string): string =>
      depth === 0 ? log('deepest', indent) : `${indent}- id: p${depth}\n${indent}  type: io.kestra.plugin.core.flow.Parallel\n${indent}  tasks:\n${nest(depth - 1, `${indent}    `)}`;
    const graph = graphOf(`tasks:\n  - id: failed\n    type: io.kestra.plugin.core.execution.Fail\nerrors:\n${log('t2', '  ')}${nest(4, '  ')}`);
    expect([graph.nodes.length, graph.edges.length, graph.clusters.length]).toEqual([17, 17, 4]);
    expect(edge(graph, /^root\._start$/, /root\.t2$/).relation).toEqual({ relationType: 'ERROR' });
    expect(edge(graph, /^root\._start$/, /root\.failed$/).relation).toEqual({});
    expect(clusterOf(graph, 'cluster_root.p4').cluster.error).toBe(true);
  });

  it('draws a ForEachItem as a cluster of its split, items (a subflow node) and merge runs', () => {
    const graph = graphOf(
      `tasks:\n  - id: each\n    type: io.kestra.plugin.core.flow.ForEachItem\n    items: "{{ inputs.file }}"\n    namespace: a\n    flowId: b\n${log('after', '  ')}`,
    );
    expect(clusterOf(graph, 'cluster_root.each').cluster).toMatchObject({ relationType: 'SEQUENTIAL', taskNode: { uid: 'root.each' } });
    expect(graph.nodes.filter((n) => /each_/.test(n.uid)).map((n) => [n.uid, n.type.split('.').pop()])).toEqual([
      ['root.each.each_split', 'GraphTask'],
      ['root.each.each_items', 'SubflowGraphTask'],
      ['root.each.each_merge', 'GraphTask'],
    ]);
    expect(edge(graph, /each_split$/, /each_items$/).relation).toEqual({ relationType: 'SEQUENTIAL' });
    expect(edge(graph, /each\._end$/, /root\.after$/).relation).toEqual({ relationType: 'SEQUENTIAL' });
  });

  it('links Dag tasks after their dependencies, and the ones nothing depends on to the end', () => {
    const dagTask = (id: string, dependsOn?: string[]) =>
      `      - task:\n          id: ${id}\n          type: io.kestra.plugin.core.log.Log\n          message: hi\n${dependsOn ? `        dependsOn: [${dependsOn.join(', ')}]\n` : ''}`;
    const graph = graphOf(`tasks:\n  - id: dag\n    type: io.kestra.plugin.core.flow.Dag\n    tasks:\n${dagTask('a')}${dagTask('b', ['a'])}${dagTask('c', ['a'])}${dagTask('d', ['b', 'c'])}`);
    expect(edge(graph, /dag$/, /dag\.a$/).relation).toEqual({ relationType: 'PARALLEL' });
    expect(edge(graph, /dag\.b$/, /dag\.d$/).relation).toEqual({ relationType: 'PARALLEL' });
    expect(graph.edges.filter((e) => e.target === 'root.dag._end').map((e) => e.source)).toEqual(['root.dag.d']);
  });

  it('draws one node per task run of an execution, suffixed with the loop values, carrying the run', () => {
    const flow = parseFlow(`id: graph\nnamespace: io.osprey.graph\ntasks:\n  - id: each\n    type: io.kestra.plugin.core.flow.ForEach\n    values: [a, b]\n    tasks:\n${log('inner', '      ')}${log('after', '  ')}`);
    const run = (id: string, taskId: string, extra: Partial<TaskRun> = {}): TaskRun =>
      ({ id, executionId: 'e', namespace: 'io.osprey.graph', flowId: 'graph', taskId, attempts: [], state: { current: 'SUCCESS', histories: [] }, ...extra }) as TaskRun;
    const runs = [run('r1', 'each'), run('r2', 'inner', { parentTaskRunId: 'r1', value: 'a' }), run('r3', 'inner', { parentTaskRunId: 'r1', value: 'b' }), run('r4', 'after')];
    const graph = flowGraph(flow, runs);
    expect(graph.nodes.filter((n) => n.task?.id === 'inner').map((n) => [n.uid, n.values, n.taskRun?.id])).toEqual([
      ['root.each.inner_a', ['a'], 'r2'],
      ['root.each.inner_b', ['b'], 'r3'],
    ]);
    expect(edge(graph, /^root\.each$/, /inner_b$/).relation).toEqual({ relationType: 'DYNAMIC', value: 'b' });
    expect(graph.edges.filter((e) => e.target === 'root.each._end').map((e) => e.source)).toEqual(['root.each.inner_a', 'root.each.inner_b']);
    expect(graph.nodes.find((n) => n.uid === 'root.after')).toMatchObject({ taskRun: { id: 'r4' }, values: [] });
    // Without runs, the same flow draws each task once.
    expect(flowGraph(flow).nodes.filter((n) => n.task?.id === 'inner').map((n) => n.uid)).toEqual(['root.each.inner']);
  });

  describe('Subflow tasks', () => {
    const subflow = (id: string, indent: string, flowId = 'child') => `${indent}- id: ${id}\n${indent}  type: io.kestra.plugin.core.flow.Subflow\n${indent}  namespace: io.osprey.graph\n${indent}  flowId: ${flowId}\n`;
    const parent = `tasks:\n${log('before', '  ')}${subflow('call', '  ')}${log('after', '  ')}`;
    const child = parseFlow(`id: child\nnamespace: io.osprey.graph\ntasks:\n${log('x', '  ')}${subflow('deeper', '  ', 'leaf')}`);
    const leaf = parseFlow(`id: leaf\nnamespace: io.osprey.graph\ntasks:\n${log('y', '  ')}`);

    it('draws a Subflow task as one SubflowGraphTask node, as Kestra draws an ExecutableTask', () => {
      const graph = graphOf(parent);
      expect(graph.clusters).toEqual([]);
      expect(graph.nodes.find((n) => n.uid === 'root.call')).toMatchObject({ type: 'io.kestra.core.models.hierarchies.SubflowGraphTask', relationType: 'SEQUENTIAL' });
      expect(edge(graph, /^root\.call$/, /^root\.after$/).relation).toEqual({ relationType: 'SEQUENTIAL' });
    });

    it("expands a listed Subflow node into a SubflowGraphCluster of its flow's graph, the child's uids under it", () => {
      const graph = flowGraph(parseFlow(`id: graph\nnamespace: io.osprey.graph\n${parent}`), [], new Map([['root.call', child]]));
      const cluster = clusterOf(graph, 'cluster_root.call');
      expect(cluster).toMatchObject({
        parents: [],
        start: 'root.call._start',
        end: 'root.call._end',
        cluster: { type: 'io.kestra.core.models.hierarchies.SubflowGraphCluster', relationType: 'SEQUENTIAL', taskNode: { uid: 'root.call', type: 'io.kestra.core.models.hierarchies.SubflowGraphTask' } },
      });
      expect(cluster.nodes.sort()).toEqual(['root.call', 'root.call._end', 'root.call._start', 'root.call.deeper', 'root.call.x']);
      expect(edge(graph, /^root\.before$/, /^root\.call\._start$/).relation).toEqual({ relationType: 'SEQUENTIAL' });
      expect(edge(graph, /^root\.call$/, /^root\.call\.x$/).relation).toEqual({ relationType: 'SEQUENTIAL' });
      expect(edge(graph, /^root\.call\.deeper$/, /^root\.call\._end$/).relation).toEqual({});
      expect(edge(graph, /^root\.call\._end$/, /^root\.after$/).relation).toEqual({ relationType: 'SEQUENTIAL' });
      // A Subflow of the child stays one node unless its own uid is listed too.
      expect(graph.nodes.find((n) => n.uid === 'root.call.deeper')?.type).toBe('io.kestra.core.models.hierarchies.SubflowGraphTask');
      const nested = flowGraph(parseFlow(`id: graph\nnamespace: io.osprey.graph\n${parent}`), [], new Map([['root.call', child], ['root.call.deeper', leaf]]));
      expect(clusterOf(nested, 'cluster_root.call.deeper')).toMatchObject({ parents: ['cluster_root.call'], nodes: expect.arrayContaining(['root.call.deeper.y']) });
    });
  });
});
