// Lays a task graph out with ELK (layered, left to right, groups laid out with their children).
// ELK is ~1.5 MB: it is imported here only, and this module only by the topology component.
import type { ElkExtendedEdge, ElkNode, ELK } from 'elkjs/lib/elk-api.js';
import { allNodes, type GraphEdge, type GraphNode, type TaskGraph } from './task-graph.js';

export interface Point {
  x: number;
  y: number;
}

export interface PlacedNode {
  node: GraphNode;
  x: number;
  y: number;
  width: number;
  height: number;
  /** Nesting depth: groups are drawn before (under) what they hold. */
  depth: number;
}

export interface PlacedEdge {
  edge: GraphEdge;
  points: Point[];
}

export interface GraphLayout {
  width: number;
  height: number;
  nodes: PlacedNode[];
  edges: PlacedEdge[];
}

const TASK_HEIGHT = 48;
const GROUP_HEADER = 30;

export function nodeSize(node: GraphNode): { width: number; height: number } {
  if (node.kind === 'start' || node.kind === 'end') return { width: 30, height: 30 };
  const text = Math.max(node.label.length, (node.type ?? '').length);
  return { width: Math.min(280, Math.max(140, text * 7.2 + 44)), height: node.kind === 'trigger' ? 40 : TASK_HEIGHT };
}

function toElk(node: GraphNode): ElkNode {
  if (!node.children?.length) return { id: node.id, ...nodeSize(node) };
  const direction = node.layout === 'parallel' ? 'DOWN' : 'RIGHT';
  return {
    id: node.id,
    layoutOptions: {
      'elk.padding': `[top=${GROUP_HEADER},left=14,bottom=14,right=14]`,
      // Side-by-side children (Parallel, If branches) are stacked; sequences run left to right.
      'elk.direction': direction,
      'elk.nodeSize.constraints': 'MINIMUM_SIZE',
      'elk.nodeSize.minimum': '(160,80)',
    },
    children: node.children.map(toElk),
  };
}

let elkInstance: Promise<ELK> | undefined;

async function defaultElk(): Promise<ELK> {
  elkInstance ??= import('elkjs/lib/elk.bundled.js').then((m) => {
    const Elk = (m as unknown as { default: new () => ELK }).default;
    return new Elk();
  });
  return elkInstance;
}

/** Positions every node and routes every edge; coordinates are absolute (from the top left of the graph). */
export async function layoutTaskGraph(graph: TaskGraph, elk?: ELK): Promise<GraphLayout> {
  const engine = elk ?? (await defaultElk());
  const known = new Set(allNodes(graph.nodes).map((n) => n.id));
  const edges: ElkExtendedEdge[] = graph.edges
    .filter((e) => known.has(e.from) && known.has(e.to))
    .map((e) => ({ id: e.id, sources: [e.from], targets: [e.to] }));
  const root: ElkNode = {
    id: '__root',
    layoutOptions: {
      'elk.algorithm': 'layered',
      'elk.direction': 'RIGHT',
      'elk.hierarchyHandling': 'INCLUDE_CHILDREN',
      'elk.edgeRouting': 'ORTHOGONAL',
      'elk.layered.spacing.nodeNodeBetweenLayers': '36',
      'elk.spacing.nodeNode': '20',
      'elk.spacing.edgeNode': '14',
      'elk.layered.nodePlacement.strategy': 'BRANDES_KOEPF',
      'elk.json.shapeCoords': 'ROOT',
      'elk.json.edgeCoords': 'ROOT',
      'elk.padding': '[top=16,left=16,bottom=16,right=16]',
    },
    children: graph.nodes.map(toElk),
    edges,
  };
  const laid = await engine.layout(root);

  const byId = new Map(allNodes(graph.nodes).map((n) => [n.id, n]));
  const nodes: PlacedNode[] = [];
  const visit = (list: ElkNode[] | undefined, depth: number) => {
    for (const child of list ?? []) {
      const node = byId.get(child.id);
      if (node) nodes.push({ node, x: child.x ?? 0, y: child.y ?? 0, width: child.width ?? 0, height: child.height ?? 0, depth });
      visit(child.children, depth + 1);
    }
  };
  visit(laid.children, 0);

  const edgeById = new Map(graph.edges.map((e) => [e.id, e]));
  const placedEdges: PlacedEdge[] = [];
  const collectEdges = (node: ElkNode) => {
    for (const e of (node.edges ?? []) as ElkExtendedEdge[]) {
      const edge = edgeById.get(e.id);
      const section = e.sections?.[0];
      if (!edge || !section) continue;
      placedEdges.push({ edge, points: [section.startPoint, ...(section.bendPoints ?? []), section.endPoint] });
    }
    for (const child of node.children ?? []) collectEdges(child);
  };
  collectEdges(laid);
  return { width: laid.width ?? 0, height: laid.height ?? 0, nodes, edges: placedEdges };
}
