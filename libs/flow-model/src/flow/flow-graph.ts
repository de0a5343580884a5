import type { Flow, Task, Trigger } from './flow.js';
import { resolveTaskType } from './task-types.js';

/**
 * A flow as Kestra's FlowGraph (`GET /flows/{namespace}/{id}/graph`, the UI's topology): task nodes, the start and
 * end node of every cluster (flowable task, triggers, the flow itself) and the edges between them, each edge with
 * the relation that leads to its target. Uids are Kestra's: a task's is its ids joined by dots from `root`, a
 * cluster's is `cluster_` and its task's uid; a cluster's start and end are `<cluster>._start` and `<cluster>._end`
 * (Kestra draws random ids there; `_` cannot open a task id, so these never collide).
 */

export type RelationType = 'SEQUENTIAL' | 'CHOICE' | 'ERROR' | 'PARALLEL' | 'DYNAMIC';

const HIERARCHIES = 'io.kestra.core.models.hierarchies';
export const GRAPH_NODE_TYPES = {
  task: `${HIERARCHIES}.GraphTask`,
  subflow: `${HIERARCHIES}.SubflowGraphTask`,
  trigger: `${HIERARCHIES}.GraphTrigger`,
  cluster: `${HIERARCHIES}.GraphCluster`,
  start: `${HIERARCHIES}.GraphClusterRoot`,
  end: `${HIERARCHIES}.GraphClusterEnd`,
} as const;

export interface GraphNode {
  uid: string;
  type: string;
  error: boolean;
  task?: Task;
  relationType?: RelationType;
  triggerDeclaration?: Trigger;
}

export interface GraphCluster {
  uid: string;
  type: string;
  error: boolean;
  relationType?: RelationType;
  taskNode?: GraphNode;
}

export interface GraphRelation {
  relationType?: RelationType;
  value?: string;
}

export interface FlowGraph {
  nodes: GraphNode[];
  edges: { source: string; target: string; relation: GraphRelation }[];
  clusters: { cluster: GraphCluster; nodes: string[]; parents: string[]; start: string; end: string }[];
}

interface Cluster {
  kind: 'cluster';
  path: string;
  error: boolean;
  relationType?: RelationType;
  taskNode?: NodeItem;
  start: NodeItem;
  end: NodeItem;
  items: Item[];
  edges: { source: Item; target: Item; relation: GraphRelation }[];
}
type NodeItem = GraphNode & { kind: 'node' };
type Item = Cluster | NodeItem;

const SUBFLOW_TYPE = 'io.kestra.plugin.core.flow.Subflow';

/** Kestra's GraphUtils.of for a flow without an execution: its triggers, tasks and error tasks. */
export function flowGraph(flow: Pick<Flow, 'tasks' | 'errors' | 'triggers'>): FlowGraph {
  const root = cluster('root');
  if (flow.triggers.length > 0) {
    const triggers = cluster('root.Triggers');
    for (const trigger of flow.triggers) {
      const node = item({ uid: `${triggers.path}.${trigger.id}`, type: GRAPH_NODE_TYPES.trigger, error: false, triggerDeclaration: trigger });
      triggers.items.push(node);
      triggers.edges.push({ source: triggers.start, target: node, relation: {} }, { source: node, target: triggers.end, relation: {} });
    }
    root.items.push(triggers);
    root.edges.push({ source: triggers.end, target: root.start, relation: {} });
  }
  fill(root, flow.tasks, 'SEQUENTIAL');
  if (flow.errors.length > 0) fill(root, flow.errors, 'ERROR');
  return {
    nodes: nodesOf(root),
    edges: edgesOf(root),
    clusters: clustersOf(root, []),
  };
}

function item(node: GraphNode): NodeItem {
  return { kind: 'node', ...node };
}

function cluster(path: string, task?: Task, relationType?: RelationType): Cluster {
  const start = item({ uid: `${path}._start`, type: GRAPH_NODE_TYPES.start, error: false });
  const end = item({ uid: `${path}._end`, type: GRAPH_NODE_TYPES.end, error: false });
  const result: Cluster = { kind: 'cluster', path, error: false, start, end, items: [start, end], edges: [] };
  if (relationType) result.relationType = relationType;
  if (task) {
    const taskNode = item({ uid: path, type: GRAPH_NODE_TYPES.task, error: false, task, ...(relationType ? { relationType } : {}) });
    result.taskNode = taskNode;
    result.items.push(taskNode);
    result.edges.push({ source: start, target: taskNode, relation: {} });
  }
  return result;
}

/** Kestra's flowable tasksTree: the cluster's relation type and how its child lists are laid out. */
function taskItem(path: string, task: Task, relationType: RelationType): Item {
  const definition = resolveTaskType(task.type);
  if (definition?.kind !== 'flowable') {
    const type = definition?.name === SUBFLOW_TYPE ? GRAPH_NODE_TYPES.subflow : GRAPH_NODE_TYPES.task;
    return item({ uid: path, type, error: false, task, relationType });
  }
  const list = (value: unknown): Task[] => (Array.isArray(value) ? (value as Task[]) : []);
  const errors = list(task.errors);
  const withErrors = (graph: Cluster) => {
    if (errors.length > 0) fill(graph, errors, 'ERROR');
    return graph;
  };
  switch (definition.name) {
    case 'io.kestra.plugin.core.flow.Parallel':
    case 'io.kestra.plugin.core.flow.EachParallel': {
      const graph = cluster(path, task, definition.name === 'io.kestra.plugin.core.flow.EachParallel' ? 'DYNAMIC' : 'PARALLEL');
      fill(graph, list(task.tasks), 'PARALLEL');
      return withErrors(graph);
    }
    case 'io.kestra.plugin.core.flow.ForEach': {
      const graph = cluster(path, task, 'DYNAMIC');
      fill(graph, list(task.tasks), task.concurrencyLimit === 1 ? 'SEQUENTIAL' : 'PARALLEL');
      return withErrors(graph);
    }
    case 'io.kestra.plugin.core.flow.Switch': {
      const graph = cluster(path, task, 'CHOICE');
      const cases: [string, Task[]][] = [['defaults', list(task.defaults)], ...Object.entries((task.cases ?? {}) as Record<string, unknown>).map(([k, v]): [string, Task[]] => [k, list(v)])];
      for (const [value, tasks] of cases) if (tasks.length > 0) fill(graph, tasks, 'SEQUENTIAL', value);
      return withErrors(graph);
    }
    case 'io.kestra.plugin.core.flow.If': {
      const graph = cluster(path, task, 'CHOICE');
      fill(graph, list(task.then), 'SEQUENTIAL', 'then');
      if (Array.isArray(task.else)) fill(graph, list(task.else), 'SEQUENTIAL', 'else');
      return withErrors(graph);
    }
    case 'io.kestra.plugin.core.flow.Dag': {
      const graph = cluster(path, task, 'DYNAMIC');
      fillDag(graph, list(task.tasks) as unknown as { task: Task; dependsOn?: string[] }[]);
      return withErrors(graph);
    }
    default: {
      const dynamic = definition.name === 'io.kestra.plugin.core.flow.EachSequential' || definition.name === 'io.kestra.plugin.core.flow.LoopUntil';
      const graph = cluster(path, task, dynamic ? 'DYNAMIC' : 'SEQUENTIAL');
      for (const property of definition.childTaskProperties) fill(graph, list(task[property]), 'SEQUENTIAL');
      return withErrors(graph);
    }
  }
}

const exit = (node: Item): Item => (node.kind === 'cluster' ? (node.end) : node);
const entry = (node: Item): Item => (node.kind === 'cluster' ? (node.start) : node);

/** Kestra's GraphUtils.fillGraph: links the tasks of one list inside `graph`, PARALLEL and CHOICE lists each to the end. */
function fill(graph: Cluster, tasks: Task[], relationType: RelationType, value?: string): void {
  let previous: Item = (graph.taskNode) ?? (graph.start);
  tasks.forEach((task, index) => {
    const isFirst = index === 0;
    let linkType = graph.relationType;
    if (relationType === 'ERROR') linkType = 'ERROR';
    else if (!isFirst && relationType !== 'PARALLEL' && graph.relationType !== 'DYNAMIC') linkType = relationType;
    const relation: GraphRelation = { ...(linkType ? { relationType: linkType } : {}), ...(value !== undefined ? { value } : {}) };
    const current = taskItem(`${graph.path}.${task.id}`, task, relationType);
    graph.items.push(current);
    if (relationType === 'ERROR') {
      markError(current);
      if (isFirst) previous = graph.start;
    }
    graph.edges.push({ source: exit(previous), target: entry(current), relation });
    if (relationType !== 'PARALLEL') previous = current;
    const allToEnd = relationType === 'PARALLEL' || relationType === 'CHOICE';
    if (allToEnd || index === tasks.length - 1) graph.edges.push({ source: exit(current), target: graph.end, relation: {} });
  });
}

/** Kestra's GraphUtils.fillGraphDag: each task after the tasks it depends on, the ones nothing depends on to the end. */
function fillDag(graph: Cluster, entries: { task: Task; dependsOn?: string[] }[]): void {
  const created = new Map<string, Item>();
  const dependencies = new Set(entries.flatMap((e) => e.dependsOn ?? []));
  const start = (graph.taskNode) ?? (graph.start);
  while (created.size < entries.length) {
    const ready = entries.filter((e) => !created.has(e.task.id) && (e.dependsOn ?? []).every((id) => created.has(id)));
    // A dependency cycle or an unknown dependency: validation refuses both; stop rather than loop.
    if (ready.length === 0) return;
    for (const { task, dependsOn } of ready) {
      const current = taskItem(`${graph.path}.${task.id}`, task, 'SEQUENTIAL');
      graph.items.push(current);
      const relation: GraphRelation = { relationType: 'PARALLEL' };
      if (!dependsOn || dependsOn.length === 0) graph.edges.push({ source: start, target: entry(current), relation });
      for (const id of dependsOn ?? []) graph.edges.push({ source: exit(created.get(id)!), target: entry(current), relation });
      if (!dependencies.has(task.id)) graph.edges.push({ source: exit(current), target: graph.end, relation: {} });
      created.set(task.id, current);
    }
  }
}

/** An error branch is drawn red: the node, or a cluster with its task node, start and end (Kestra: updateErrorWithChildren). */
function markError(target: Item): void {
  target.error = true;
  if (target.kind === 'cluster') {
    target.start.error = true;
    target.end.error = true;
    if (target.taskNode) target.taskNode.error = true;
  }
}

function nodeJson(node: Item | GraphNode): GraphNode {
  const { kind: _kind, ...json } = node as GraphNode & { kind?: string };
  return json;
}

function clusterJson(graph: Cluster): GraphCluster {
  return {
    uid: `cluster_${graph.path}`,
    type: GRAPH_NODE_TYPES.cluster,
    error: graph.error,
    ...(graph.relationType ? { relationType: graph.relationType } : {}),
    ...(graph.taskNode ? { taskNode: nodeJson(graph.taskNode) } : {}),
  };
}

const uidOf = (node: Item): string => (node.kind === 'cluster' ? `cluster_${node.path}` : node.uid);

function nodesOf(graph: Cluster): GraphNode[] {
  return graph.items.flatMap((node) => (node.kind === 'cluster' ? nodesOf(node) : [nodeJson(node)]));
}

function edgesOf(graph: Cluster): FlowGraph['edges'] {
  return [
    ...graph.edges.map((e) => ({ source: uidOf(e.source), target: uidOf(e.target), relation: e.relation })),
    ...graph.items.flatMap((node) => (node.kind === 'cluster' ? edgesOf(node) : [])),
  ];
}

function clustersOf(graph: Cluster, parents: string[]): FlowGraph['clusters'] {
  return graph.items.flatMap((node) => {
    if (node.kind !== 'cluster') return [];
    const uid = uidOf(node);
    return [
      { cluster: clusterJson(node), nodes: node.items.map(uidOf), parents, start: node.start.uid, end: node.end.uid },
      ...clustersOf(node, [...parents, uid]),
    ];
  });
}
