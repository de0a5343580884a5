import { layoutTaskGraph } from './elk-layout.js';
import { buildTaskGraph } from './task-graph.js';

const LOG = 'io.kestra.plugin.core.log.Log';

describe('layoutTaskGraph (ELK)', () => {
  it('places children inside their group, left to right, and routes every edge', async () => {
    const graph = buildTaskGraph({
      tasks: [
        { id: 'first', type: LOG },
        { id: 'par', type: 'io.kestra.plugin.core.flow.Parallel', tasks: [{ id: 'p1', type: LOG }, { id: 'p2', type: LOG }] },
        { id: 'last', type: LOG },
      ],
      errors: [{ id: 'alert', type: LOG }],
    });
    const layout = await layoutTaskGraph(graph);
    const at = (id: string) => layout.nodes.find((n) => n.node.id === id)!;
    const group = at('par');
    for (const child of [at('p1'), at('p2')]) {
      expect(child.depth).toBe(1);
      expect(child.x).toBeGreaterThanOrEqual(group.x);
      expect(child.y).toBeGreaterThanOrEqual(group.y);
      expect(child.x + child.width).toBeLessThanOrEqual(group.x + group.width + 0.5);
      expect(child.y + child.height).toBeLessThanOrEqual(group.y + group.height + 0.5);
    }
    // Side by side: the two parallel tasks share a column.
    expect(at('p1').x).toBeCloseTo(at('p2').x, 0);
    expect(at('p1').y).not.toBeCloseTo(at('p2').y, 0);
    // Left to right along the main path.
    expect(at('first').x).toBeLessThan(group.x);
    expect(group.x + group.width).toBeLessThanOrEqual(at('last').x);
    expect(layout.edges).toHaveLength(graph.edges.length);
    for (const edge of layout.edges) expect(edge.points.length).toBeGreaterThanOrEqual(2);
    expect(layout.width).toBeGreaterThan(at('last').x);
  });

  it('gives edge points in the same absolute coordinates as the nodes, inside groups too', async () => {
    const graph = buildTaskGraph({
      tasks: [{ id: 'pad', type: LOG }, { id: 'seq', type: 'io.kestra.plugin.core.flow.Sequential', tasks: [{ id: 's1', type: LOG }, { id: 's2', type: LOG }] }],
    });
    const layout = await layoutTaskGraph(graph);
    const at = (id: string) => layout.nodes.find((n) => n.node.id === id)!;
    const inner = layout.edges.find((e) => e.edge.from === 's1' && e.edge.to === 's2')!;
    const [start, end] = [inner.points[0]!, inner.points.at(-1)!];
    expect(start.x).toBeCloseTo(at('s1').x + at('s1').width, 0);
    expect(end.x).toBeCloseTo(at('s2').x, 0);
    expect(start.y).toBeGreaterThan(at('s1').y);
    expect(start.y).toBeLessThan(at('s1').y + at('s1').height);
  });
});
