import type { TaskRun } from '../execution/execution.js';
import type { Flow, Task, Trigger } from './flow.js';
import { FOR_EACH_ITEM_EXECUTABLE_TASK, FOR_EACH_ITEM_TASK, resolveTaskType } from './task-types.js';
import { forEachItemSubtasks } from '../executor/for-each-item-subtasks.js';

/**
 * A flow as Kestra's FlowGraph (`GET /flows/{namespace}/{id}/graph`, the UI's topology): task nodes, the start and
 * end node of every cluster (flowable task, triggers, the flow itself) and the edges between them, each edge with
 * the relation that leads to its target. Uids are Kestra's: a task's is its ids joined by dots from `root`, a
 * cluster's is `cluster_` and its task's uid; a cluster's start and end are `<cluster>._start` and `<cluster>._end`
 * (Kestra draws random ids there; `_` cannot open a task id, so these never collide).
 * Given an execution's task runs, a task has one node per run (a ForEach child per value), its uid suffixed with
 * the values of the run and its parents, and the node carries the run (Kestra's execution graph).
 */

export type RelationType = 'SEQUENTIAL' | 'CHOICE' | 'ERROR' | 'PARALLEL' | 'DYNAMIC';

const HIERARCHIES = 'io.kestra.core.models.hierarchies';
export const GRAPH_NODE_TYPES = {
  task: `${HIERARCHIES}.GraphTask`,
  subflow: `${HIERARCHIES}.SubflowGraphTask`,
  trigger: `${HIERARCHIES}.GraphTrigger`,
  cluster: `${HIERARCHIES}.GraphCluster`,
  subflowCluster: `${HIERARCHIES}.SubflowGraphCluster`,
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
  taskRun?: TaskRun;
  values?: string[];
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
  type?: string;
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

/** An execution's task runs, by task id and by run id. */
class Runs {
  private readonly byTask = new Map<string, TaskRun[]>();
  private readonly byId = new Map<string, TaskRun>();
  constructor(runs: readonly TaskRun[]) {
    for (const run of runs) {
      this.byId.set(run.id, run);
      this.byTask.set(run.taskId, [...(this.byTask.get(run.taskId) ?? []), run]);
    }
  }

  /** Kestra's findTaskRuns: the task's runs under `parent` (all of them without a parent run); none drawn once, without a run. */
  of(task: Task, parent: TaskRun | undefined): (TaskRun | undefined)[] {
    const runs = this.byTask.get(task.id) ?? [];
    if (runs.length === 0) return [undefined];
    return parent ? runs.filter((run) => run.parentTaskRunId === parent.id) : runs;
  }

  /** The loop values of the run and its parents, outermost first (Kestra: findParentsValues with the current run). */
  values(run: TaskRun): string[] {
    const chain: TaskRun[] = [];
    for (let current: TaskRun | undefined = run; current; current = current.parentTaskRunId ? this.byId.get(current.parentTaskRunId) : undefined) chain.unshift(current);
    return chain.flatMap((r) => (r.value === undefined || r.value === null ? [] : [r.value]));
  }
}

export type GraphFlow = Pick<Flow, 'tasks' | 'errors' | 'triggers'>;

/** Subflow task nodes to draw as their flow's graph: by node uid, the flow it starts (read by the caller). */
export type ExpandedSubflows = ReadonlyMap<string, GraphFlow>;

/**
 * Kestra's GraphUtils.of: the flow's triggers, tasks and error tasks; with an execution's task runs, one node per run.
 * A Subflow node whose uid `expanded` holds becomes a SubflowGraphCluster holding its flow's graph (drawn without
 * runs, as Kestra does), the child's uids under the Subflow task's.
 */
export function flowGraph(flow: GraphFlow, taskRuns: readonly TaskRun[] = [], expanded: ExpandedSubflows = new Map()): FlowGraph {
  const root = newCluster('root');
  fillFlow(new Runs(taskRuns), root, flow, expanded);
  return {
    nodes: nodesOf(root),
    edges: edgesOf(root),
    clusters: clustersOf(root, []),
  };
}

function fillFlow(runs: Runs, root: Cluster, flow: GraphFlow, expanded: ExpandedSubflows): void {
  if (flow.triggers.length > 0) {
    const triggers = newCluster(`${root.path}.Triggers`);
    for (const trigger of flow.triggers) {
      const node = item({ uid: `${triggers.path}.${trigger.id}`, type: GRAPH_NODE_TYPES.trigger, error: false, triggerDeclaration: trigger });
      triggers.items.push(node);
      triggers.edges.push({ source: triggers.start, target: node, relation: {} }, { source: node, target: triggers.end, relation: {} });
    }
    root.items.push(triggers);
    root.edges.push({ source: triggers.end, target: root.start, relation: {} });
  }
  fillList(runs, root, flow.tasks, 'SEQUENTIAL', undefined, undefined, expanded);
  if (flow.errors.length > 0) fillList(runs, root, flow.errors, 'ERROR', undefined, undefined, expanded);
}

function item(node: GraphNode): NodeItem {
  return { kind: 'node', ...node };
}

/** A run's node fields: the uid suffixed with its values (Kestra: `<uid>_<value>_<value>`), the run and its values. */
function runFields(path: string, runs: Runs, run: TaskRun | undefined): Pick<GraphNode, 'uid' | 'taskRun' | 'values'> {
  if (!run) return { uid: path };
  const values = runs.values(run);
  return { uid: [path, ...values].join('_'), taskRun: run, values };
}

function newCluster(path: string, task?: Task, relationType?: RelationType, run?: Pick<GraphNode, 'uid' | 'taskRun' | 'values'>, taskNodeType: string = GRAPH_NODE_TYPES.task): Cluster {
  // Every run of a flowable in a loop is its own cluster: the run's values keep their start and end apart.
  const suffix = run && run.uid !== path ? run.uid.slice(path.length) : '';
  const start = item({ uid: `${path}._start${suffix}`, type: GRAPH_NODE_TYPES.start, error: false });
  const end = item({ uid: `${path}._end${suffix}`, type: GRAPH_NODE_TYPES.end, error: false });
  const result: Cluster = { kind: 'cluster', path, error: false, start, end, items: [start, end], edges: [] };
  if (relationType) result.relationType = relationType;
  if (task) {
    const taskNode = item({ ...(run ?? { uid: path }), type: taskNodeType, error: false, task, ...(relationType ? { relationType } : {}) });
    result.taskNode = taskNode;
    result.items.push(taskNode);
    result.edges.push({ source: start, target: taskNode, relation: {} });
  }
  return result;
}

/** Kestra's flowable tasksTree: the cluster's relation type and how its child lists are laid out. */
function taskItem(runs: Runs, path: string, task: Task, relationType: RelationType, taskRun: TaskRun | undefined, expanded: ExpandedSubflows): Item {
  const definition = resolveTaskType(task.type);
  const run = runFields(path, runs, taskRun);
  const child = definition?.name === SUBFLOW_TYPE ? expanded.get(run.uid) : undefined;
  if (child) {
    // Kestra's SubflowGraphCluster: the Subflow task node, then the child flow, with no runs (another execution's).
    const graph = newCluster(run.uid, task, 'SEQUENTIAL', undefined, GRAPH_NODE_TYPES.subflow);
    graph.type = GRAPH_NODE_TYPES.subflowCluster;
    if (run.taskRun) Object.assign(graph.taskNode!, { taskRun: run.taskRun, values: run.values });
    const nested = new Map([...expanded].filter(([uid]) => uid.startsWith(`${run.uid}.`)));
    fillFlow(new Runs([]), graph, child, nested);
    return graph;
  }
  // A Subflow task (flowable here, resolved by the executor) is Kestra's ExecutableTask: one node, as a ForEachItem's
  // `_items` run that starts subflows.
  if (definition?.kind !== 'flowable' || definition.name === SUBFLOW_TYPE) {
    const type = definition?.name === SUBFLOW_TYPE || task.type === FOR_EACH_ITEM_EXECUTABLE_TASK.name ? GRAPH_NODE_TYPES.subflow : GRAPH_NODE_TYPES.task;
    return item({ ...run, type, error: false, task, relationType });
  }
  const fill = (graph: Cluster, tasks: Task[], relationType: RelationType, value?: string) => fillList(runs, graph, tasks, relationType, value, taskRun, expanded);
  const cluster = (relationType: RelationType) => newCluster(path, task, relationType, run);
  const list = (value: unknown): Task[] => (Array.isArray(value) ? (value as Task[]) : []);
  const errors = list(task.errors);
  const withErrors = (graph: Cluster) => {
    if (errors.length > 0) fill(graph, errors, 'ERROR');
    return graph;
  };
  switch (definition.name) {
    case 'io.kestra.plugin.core.flow.Parallel':
    case 'io.kestra.plugin.core.flow.EachParallel': {
      const graph = cluster(definition.name === 'io.kestra.plugin.core.flow.EachParallel' ? 'DYNAMIC' : 'PARALLEL');
      fill(graph, list(task.tasks), 'PARALLEL');
      return withErrors(graph);
    }
    case 'io.kestra.plugin.core.flow.ForEach': {
      const graph = cluster('DYNAMIC');
      fill(graph, list(task.tasks), task.concurrencyLimit === 1 ? 'SEQUENTIAL' : 'PARALLEL');
      return withErrors(graph);
    }
    case 'io.kestra.plugin.core.flow.Switch': {
      const graph = cluster('CHOICE');
      const cases: [string, Task[]][] = [['defaults', list(task.defaults)], ...Object.entries((task.cases ?? {}) as Record<string, unknown>).map(([k, v]): [string, Task[]] => [k, list(v)])];
      for (const [value, tasks] of cases) if (tasks.length > 0) fill(graph, tasks, 'SEQUENTIAL', value);
      return withErrors(graph);
    }
    case 'io.kestra.plugin.core.flow.If': {
      const graph = cluster('CHOICE');
      fill(graph, list(task.then), 'SEQUENTIAL', 'then');
      if (Array.isArray(task.else)) fill(graph, list(task.else), 'SEQUENTIAL', 'else');
      return withErrors(graph);
    }
    case FOR_EACH_ITEM_TASK.name: {
      // Its split, items and merge runs, in sequence (Kestra's ForEachItem.tasksTree).
      const graph = cluster('SEQUENTIAL');
      fill(graph, forEachItemSubtasks(task), 'SEQUENTIAL');
      return withErrors(graph);
    }
    case 'io.kestra.plugin.core.flow.Dag': {
      const graph = cluster('DYNAMIC');
      fillDag(runs, graph, list(task.tasks) as unknown as { task: Task; dependsOn?: string[] }[], taskRun, expanded);
      return withErrors(graph);
    }
    default: {
      const dynamic = definition.name === 'io.kestra.plugin.core.flow.EachSequential' || definition.name === 'io.kestra.plugin.core.flow.LoopUntil';
      const graph = cluster(dynamic ? 'DYNAMIC' : 'SEQUENTIAL');
      for (const property of definition.childTaskProperties) fill(graph, list(task[property]), 'SEQUENTIAL');
      return withErrors(graph);
    }
  }
}

const exit = (node: Item): Item => (node.kind === 'cluster' ? (node.end) : node);
const entry = (node: Item): Item => (node.kind === 'cluster' ? (node.start) : node);

/** Kestra's GraphUtils.fillGraph: links the tasks of one list inside `graph`, PARALLEL and CHOICE lists each to the end. */
function fillList(runs: Runs, graph: Cluster, tasks: Task[], relationType: RelationType, value: string | undefined, parent: TaskRun | undefined, expanded: ExpandedSubflows): void {
  let previous: Item = graph.taskNode ?? graph.start;
  let isFirst = true;
  tasks.forEach((task, index) => {
    for (const run of runs.of(task, parent)) {
      let linkType = graph.relationType;
      if (relationType === 'ERROR') linkType = 'ERROR';
      else if (!isFirst && relationType !== 'PARALLEL' && graph.relationType !== 'DYNAMIC') linkType = relationType;
      const linkValue = run ? (run.value ?? undefined) : value;
      const relation: GraphRelation = { ...(linkType ? { relationType: linkType } : {}), ...(linkValue !== undefined ? { value: linkValue } : {}) };
      const current = taskItem(runs, `${graph.path}.${task.id}`, task, relationType, run, expanded);
      graph.items.push(current);
      if (relationType === 'ERROR') {
        markError(current);
        if (isFirst) previous = graph.start;
      }
      graph.edges.push({ source: exit(previous), target: entry(current), relation });
      if (relationType !== 'PARALLEL') previous = current;
      const allToEnd = relationType === 'PARALLEL' || relationType === 'CHOICE';
      if (allToEnd || index === tasks.length - 1) graph.edges.push({ source: exit(current), target: graph.end, relation: {} });
      isFirst = false;
    }
  });
}

/** Kestra's GraphUtils.fillGraphDag: each task after the tasks it depends on, the ones nothing depends on to the end. */
function fillDag(runs: Runs, graph: Cluster, entries: { task: Task; dependsOn?: string[] }[], parent: TaskRun | undefined, expanded: ExpandedSubflows): void {
  const created = new Map<string, Item>();
  const dependencies = new Set(entries.flatMap((e) => e.dependsOn ?? []));
  const start = graph.taskNode ?? graph.start;
  while (created.size < entries.length) {
    const ready = entries.filter((e) => !created.has(e.task.id) && (e.dependsOn ?? []).every((id) => created.has(id)));
    // A dependency cycle or an unknown dependency: validation refuses both; stop rather than loop.
    if (ready.length === 0) return;
    for (const { task, dependsOn } of ready) {
      for (const run of runs.of(task, parent)) {
        const current = taskItem(runs, `${graph.path}.${task.id}`, task, 'SEQUENTIAL', run, expanded);
        graph.items.push(current);
        const relation: GraphRelation = { relationType: 'PARALLEL', ...(run?.value != null ? { value: run.value } : {}) };
        if (!dependsOn || dependsOn.length === 0) graph.edges.push({ source: start, target: entry(current), relation });
        for (const id of dependsOn ?? []) graph.edges.push({ source: exit(created.get(id)!), target: entry(current), relation });
        if (!dependencies.has(task.id)) graph.edges.push({ source: exit(current), target: graph.end, relation: {} });
        created.set(task.id, current);
      }
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
    type: graph.type ?? GRAPH_NODE_TYPES.cluster,
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
