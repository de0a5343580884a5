import { allNodes, buildTaskGraph, END_ID, START_ID, type GraphNode, type TaskGraph } from './task-graph.js';

const LOG = 'io.kestra.plugin.core.log.Log';
const find = (graph: TaskGraph, id: string): GraphNode => {
  const node = allNodes(graph.nodes).find((n) => n.id === id);
  if (!node) throw new Error(`no node ${id}`);
  return node;
};
const edgesOf = (graph: TaskGraph) => graph.edges.map((e) => `${e.from}->${e.to}:${e.kind}`);

describe('buildTaskGraph', () => {
  it('chains the tasks of a flow from start to end', () => {
    const graph = buildTaskGraph({ tasks: [{ id: 'a', type: LOG }, { id: 'b', type: 'io.kestra.plugin.core.debug.Return' }] });
    expect(graph.nodes.map((n) => n.id)).toEqual([START_ID, 'a', 'b', END_ID]);
    expect(find(graph, 'b')).toMatchObject({ kind: 'task', type: 'Return', taskId: 'b' });
    expect(edgesOf(graph).sort()).toEqual(['a->b:normal', `${START_ID}->a:normal`, `b->${END_ID}:normal`].sort());
  });

  it('draws a flowable task as a group holding its children, in sequence or side by side', () => {
    const graph = buildTaskGraph({
      tasks: [
        { id: 'seq', type: 'io.kestra.plugin.core.flow.Sequential', tasks: [{ id: 's1', type: LOG }, { id: 's2', type: LOG }] },
        { id: 'par', type: 'io.kestra.plugin.core.flow.Parallel', tasks: [{ id: 'p1', type: LOG }, { id: 'p2', type: LOG }] },
      ],
    });
    expect(find(graph, 'seq')).toMatchObject({ kind: 'group', layout: 'sequence', type: 'Sequential' });
    expect(find(graph, 'seq').children!.map((c) => c.id)).toEqual(['s1', 's2']);
    expect(find(graph, 'par')).toMatchObject({ kind: 'group', layout: 'parallel' });
    expect(edgesOf(graph)).toContain('s1->s2:normal');
    expect(edgesOf(graph)).toContain('seq->par:normal');
    expect(edgesOf(graph).filter((e) => e.startsWith('p1') || e.startsWith('p2'))).toEqual([]);
  });

  it('gives If and Switch one branch group per path', () => {
    const graph = buildTaskGraph({
      tasks: [
        { id: 'if', type: 'io.kestra.plugin.core.flow.If', condition: '{{ true }}', then: [{ id: 't', type: LOG }], else: [{ id: 'e', type: LOG }] },
        { id: 'sw', type: 'io.kestra.plugin.core.flow.Switch', value: 'x', cases: { A: [{ id: 'a', type: LOG }], B: [{ id: 'b', type: LOG }] }, defaults: [{ id: 'd', type: LOG }] },
      ],
    });
    expect(find(graph, 'if').children!.map((c) => [c.label, c.branch])).toEqual([['then', 'then'], ['else', 'else']]);
    expect(find(graph, 'sw').children!.map((c) => c.label)).toEqual(['A', 'B', 'defaults']);
    expect(find(graph, 'sw::case:A').children!.map((c) => c.id)).toEqual(['a']);
  });

  it('links Dag tasks by their dependsOn', () => {
    const graph = buildTaskGraph({
      tasks: [
        {
          id: 'dag',
          type: 'io.kestra.plugin.core.flow.Dag',
          tasks: [{ task: { id: 'x', type: LOG } }, { task: { id: 'y', type: LOG }, dependsOn: ['x'] }, { task: { id: 'z', type: LOG }, dependsOn: ['x', 'y'] }] as never,
        },
      ],
    });
    expect(find(graph, 'dag')).toMatchObject({ layout: 'dag' });
    expect(edgesOf(graph)).toEqual(expect.arrayContaining(['x->y:normal', 'x->z:normal', 'y->z:normal']));
  });

  it('marks flow-level errors and finally as distinct branches', () => {
    const graph = buildTaskGraph({ tasks: [{ id: 'a', type: LOG }], errors: [{ id: 'err', type: LOG }], finally: [{ id: 'fin', type: LOG }] });
    expect(find(graph, '__errors')).toMatchObject({ kind: 'branch', branch: 'errors' });
    expect(find(graph, '__finally')).toMatchObject({ kind: 'branch', branch: 'finally' });
    expect(edgesOf(graph)).toEqual(expect.arrayContaining([`${START_ID}->__errors:errors`, 'a->__finally:finally', `__finally->${END_ID}:finally`]));
  });

  it('puts a task\'s own errors and finally after its body inside its group', () => {
    const graph = buildTaskGraph({
      tasks: [{ id: 'seq', type: 'io.kestra.plugin.core.flow.Sequential', tasks: [{ id: 'in', type: LOG }], errors: [{ id: 'handle', type: LOG }] }],
    });
    const group = find(graph, 'seq');
    expect(group.children!.map((c) => c.branch)).toEqual(['then', 'errors']);
    expect(find(graph, 'seq::errors').children!.map((c) => c.id)).toEqual(['handle']);
  });

  it('shows triggers before start and keeps node ids unique', () => {
    const graph = buildTaskGraph({ tasks: [{ id: 'a', type: LOG }], triggers: [{ id: 'a', type: 'io.kestra.plugin.core.trigger.Schedule' }] });
    const ids = allNodes(graph.nodes).map((n) => n.id);
    expect(new Set(ids).size).toBe(ids.length);
    expect(find(graph, 'trigger:a')).toMatchObject({ kind: 'trigger', type: 'Schedule' });
  });
});
