// The task graph of a flow, before layout: flowable tasks are groups holding their children, errors and
// finally branches are groups of their own. Pure: unit-tested in task-graph.spec.ts, laid out by elk-layout.ts.
import type { TaskDefinition } from '../api/types.js';

export type NodeKind = 'task' | 'group' | 'branch' | 'start' | 'end' | 'trigger';
/** What a branch group holds: the styling tells errors and finally apart from the main path. */
export type BranchKind = 'then' | 'else' | 'case' | 'errors' | 'finally' | 'afterExecution' | 'triggers';

export interface GraphNode {
  /** Unique in the graph; the task id for tasks and flowable groups. */
  id: string;
  /** The task id this node stands for (absent for start, end and branch groups). */
  taskId?: string;
  label: string;
  /** Short type name, e.g. `Log` or `Parallel`. */
  type?: string;
  kind: NodeKind;
  branch?: BranchKind;
  /** How children of a group run: one after the other, or side by side. */
  layout?: 'sequence' | 'parallel' | 'dag';
  children?: GraphNode[];
  disabled?: boolean;
}

export type EdgeKind = 'normal' | 'errors' | 'finally';

export interface GraphEdge {
  id: string;
  from: string;
  to: string;
  kind: EdgeKind;
  label?: string;
}

export interface TaskGraph {
  nodes: GraphNode[];
  edges: GraphEdge[];
}

export interface FlowLike {
  tasks?: TaskDefinition[];
  errors?: TaskDefinition[];
  finally?: TaskDefinition[];
  afterExecution?: TaskDefinition[];
  triggers?: TaskDefinition[];
}

export const START_ID = '__start';
export const END_ID = '__end';

/** `io.kestra.plugin.core.flow.Parallel` → `Parallel`. */
export function shortType(type: string | undefined): string {
  if (!type) return '';
  return type.split('.').pop() ?? type;
}

const PARALLEL_TYPES = new Set(['Parallel', 'EachParallel']);

/** Builds the graph of a flow: start → tasks → (finally) → end, with the flow's errors as a branch off start. */
export function buildTaskGraph(flow: FlowLike): TaskGraph {
  const builder = new GraphBuilder();
  return builder.build(flow);
}

class GraphBuilder {
  private readonly edges: GraphEdge[] = [];
  private readonly used = new Set<string>();

  build(flow: FlowLike): TaskGraph {
    const nodes: GraphNode[] = [];
    const start: GraphNode = { id: START_ID, label: 'Start', kind: 'start' };
    const end: GraphNode = { id: END_ID, label: 'End', kind: 'end' };
    nodes.push(start);
    if (flow.triggers?.length) {
      const triggers: GraphNode = {
        id: this.unique('__triggers'),
        label: 'Triggers',
        kind: 'branch',
        branch: 'triggers',
        layout: 'parallel',
        children: flow.triggers.map((t) => ({ id: this.unique(`trigger:${t.id}`), label: t.id, type: shortType(t.type), kind: 'trigger' as const, disabled: t.disabled === true })),
      };
      nodes.push(triggers);
      this.edge(triggers.id, START_ID, 'normal');
    }
    const main = this.sequence(flow.tasks ?? [], nodes);
    let last = START_ID;
    let lastKind: EdgeKind = 'normal';
    if (main) {
      this.edge(START_ID, main.first, 'normal');
      last = main.last;
    }
    if (flow.errors?.length) {
      const errors = this.branch('__errors', 'Errors', 'errors', flow.errors);
      nodes.push(errors);
      this.edge(START_ID, errors.id, 'errors', 'on failure');
      this.edge(errors.id, flow.finally?.length ? '__finally' : END_ID, 'errors');
    }
    if (flow.finally?.length) {
      const fin = this.branch('__finally', 'Finally', 'finally', flow.finally);
      nodes.push(fin);
      this.edge(last, fin.id, 'finally');
      last = fin.id;
      lastKind = 'finally';
    }
    nodes.push(end);
    this.edge(last, END_ID, lastKind);
    if (flow.afterExecution?.length) {
      const after = this.branch('__afterExecution', 'After execution', 'afterExecution', flow.afterExecution);
      nodes.push(after);
      this.edge(END_ID, after.id, 'finally');
    }
    return { nodes, edges: this.edges };
  }

  private unique(id: string): string {
    let candidate = id;
    for (let i = 2; this.used.has(candidate); i++) candidate = `${id}#${i}`;
    this.used.add(candidate);
    return candidate;
  }

  private edge(from: string, to: string, kind: EdgeKind, label?: string): void {
    this.edges.push({ id: `e${this.edges.length}:${from}->${to}`, from, to, kind, label });
  }

  /** Adds the tasks to `into`, chained one after the other; returns the first and last node ids. */
  private sequence(tasks: TaskDefinition[], into: GraphNode[]): { first: string; last: string } | undefined {
    let first: string | undefined;
    let previous: string | undefined;
    for (const task of tasks) {
      const node = this.task(task);
      into.push(node);
      if (previous) this.edge(previous, node.id, 'normal');
      first ??= node.id;
      previous = node.id;
    }
    return first && previous ? { first, last: previous } : undefined;
  }

  /** Adds the tasks to `into` side by side (no edges between them). */
  private parallel(tasks: TaskDefinition[], into: GraphNode[]): void {
    for (const task of tasks) into.push(this.task(task));
  }

  private branch(id: string, label: string, branch: BranchKind, tasks: TaskDefinition[]): GraphNode {
    const node: GraphNode = { id: this.unique(id), label, kind: 'branch', branch, layout: 'sequence', children: [] };
    this.sequence(tasks, node.children!);
    return node;
  }

  private task(task: TaskDefinition): GraphNode {
    const type = shortType(task.type);
    const id = this.unique(String(task.id));
    const base = { id, taskId: String(task.id), label: String(task.id), type, disabled: task.disabled === true };
    const children: GraphNode[] = [];
    let layout: GraphNode['layout'] = 'sequence';

    if (Array.isArray(task.then) || Array.isArray(task.else)) {
      // If: then and else side by side.
      layout = 'parallel';
      if (Array.isArray(task.then)) children.push(this.branch(`${id}::then`, 'then', 'then', task.then));
      if (Array.isArray(task.else)) children.push(this.branch(`${id}::else`, 'else', 'else', task.else));
    } else if (task.cases && typeof task.cases === 'object' && !Array.isArray(task.cases)) {
      // Switch: one branch per case, and the defaults.
      layout = 'parallel';
      for (const [value, tasks] of Object.entries(task.cases)) {
        if (Array.isArray(tasks)) children.push(this.branch(`${id}::case:${value}`, value, 'case', tasks));
      }
      if (Array.isArray(task.defaults)) children.push(this.branch(`${id}::defaults`, 'defaults', 'case', task.defaults));
    } else if (Array.isArray(task.tasks) && task.tasks.some(isDagEntry)) {
      // Dag: edges from each task's dependsOn.
      layout = 'dag';
      const entries = (task.tasks as unknown[]).filter(isDagEntry);
      const ids = new Map<string, string>();
      for (const entry of entries) {
        const node = this.task(entry.task);
        children.push(node);
        ids.set(String(entry.task.id), node.id);
      }
      for (const entry of entries) {
        for (const dependency of entry.dependsOn ?? []) {
          const from = ids.get(String(dependency));
          if (from) this.edge(from, ids.get(String(entry.task.id))!, 'normal');
        }
      }
    } else if (Array.isArray(task.tasks)) {
      if (PARALLEL_TYPES.has(type) || (type === 'ForEach' && hasConcurrency(task))) {
        layout = 'parallel';
        this.parallel(task.tasks, children);
      } else {
        this.sequence(task.tasks, children);
      }
    }

    const local: GraphNode[] = [];
    if (Array.isArray(task.errors) && task.errors.length) local.push(this.branch(`${id}::errors`, 'errors', 'errors', task.errors));
    if (Array.isArray(task.finally) && task.finally.length) local.push(this.branch(`${id}::finally`, 'finally', 'finally', task.finally));

    if (children.length === 0 && local.length === 0) return { ...base, kind: 'task' };
    if (local.length === 0) return { ...base, kind: 'group', layout, children };
    // A task with its own errors or finally: the body, then the branches after it.
    const body: GraphNode = children.length ? { id: this.unique(`${id}::body`), label: 'tasks', kind: 'branch', branch: 'then', layout, children } : { id: this.unique(`${id}::self`), taskId: base.taskId, label: base.label, type, kind: 'task' };
    for (const branch of local) this.edge(body.id, branch.id, branch.branch === 'errors' ? 'errors' : 'finally', branch.branch === 'errors' ? 'on failure' : undefined);
    return { ...base, kind: 'group', layout: 'sequence', children: [body, ...local] };
  }
}

function isDagEntry(value: unknown): value is { task: TaskDefinition; dependsOn?: unknown[] } {
  return typeof value === 'object' && value !== null && 'task' in value && typeof (value as { task: unknown }).task === 'object';
}

function hasConcurrency(task: TaskDefinition): boolean {
  const limit = task.concurrencyLimit;
  return limit === 0 || (typeof limit === 'number' && limit > 1) || (typeof limit === 'string' && limit !== '1');
}

/** Every node of the graph, depth first (groups before their children). */
export function allNodes(nodes: GraphNode[]): GraphNode[] {
  const out: GraphNode[] = [];
  const visit = (list: GraphNode[]) => {
    for (const node of list) {
      out.push(node);
      if (node.children) visit(node.children);
    }
  };
  visit(nodes);
  return out;
}
