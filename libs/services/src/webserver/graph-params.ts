import { flowGraph, GRAPH_NODE_TYPES, resolveTaskType, SUBFLOW_TASK, type ExpandedSubflows, type GraphFlow, type TaskRun } from '@osprey/flow-model';
import type { FlowRepository } from '@osprey/repository';
import { InvalidArgumentError } from '../invalid-argument-error.js';

/** Kestra's `subflows` parameter of the graph endpoints: Subflow task nodes to draw as their flow's graph. */
export const SUBFLOWS_QUERY = {
  name: 'subflows',
  required: false,
  type: String,
  isArray: true,
  description:
    'Uids of Subflow task nodes (as the graph names them, e.g. root.call) to draw as a SubflowGraphCluster of the flow they start; a node inside an expanded subflow is listed with its full uid. ' +
    'A uid that is no Subflow task of the graph, whose namespace, flowId or revision is an expression, or whose flow does not exist, is a 400.',
} as const;

const isExpression = (value: unknown) => typeof value === 'string' && value.includes('{{');

/**
 * The flows of the Subflow nodes `subflows` lists, read from the repository, for `flowGraph` to expand: a graph drawn
 * with those expanded shows the nodes of the next level, so nested uids are resolved level by level. Anything that
 * cannot be expanded is refused naming `subflows`.
 */
export async function subflowsToExpand(subflows: string | string[] | undefined, flow: GraphFlow, flows: FlowRepository, taskRuns: readonly TaskRun[] = []): Promise<ExpandedSubflows> {
  const wanted = [...new Set((Array.isArray(subflows) ? subflows : subflows === undefined ? [] : [subflows]).filter((v) => v !== ''))];
  const expanded = new Map<string, GraphFlow>();
  for (let progressed = wanted.length > 0; progressed; ) {
    progressed = false;
    const nodes = new Map(flowGraph(flow, taskRuns, expanded).nodes.map((node) => [node.uid, node]));
    for (const uid of wanted) {
      const node = nodes.get(uid);
      if (expanded.has(uid) || !node) continue;
      const task = node.task;
      if (node.type !== GRAPH_NODE_TYPES.subflow || !task || resolveTaskType(task.type)?.name !== SUBFLOW_TASK.name) {
        throw new InvalidArgumentError('subflows', `${uid} is not a Subflow task: only ${SUBFLOW_TASK.name} nodes are expanded`);
      }
      const { namespace, flowId, revision } = task as { namespace?: unknown; flowId?: unknown; revision?: unknown };
      if (typeof namespace !== 'string' || typeof flowId !== 'string' || isExpression(namespace) || isExpression(flowId) || isExpression(revision)) {
        throw new InvalidArgumentError('subflows', `${uid} cannot be expanded: its namespace, flowId or revision is an expression, which a graph does not render`);
      }
      const wantedRevision = typeof revision === 'number' ? revision : typeof revision === 'string' ? Number(revision) : undefined;
      const stored = await flows.get(namespace, flowId, wantedRevision);
      if (!stored || (stored.deleted && wantedRevision === undefined)) {
        throw new InvalidArgumentError('subflows', `${uid} cannot be expanded: its flow ${namespace}.${flowId}${wantedRevision === undefined ? '' : ` revision ${wantedRevision}`} does not exist`);
      }
      expanded.set(uid, stored.flow);
      progressed = true;
    }
  }
  const missing = wanted.filter((uid) => !expanded.has(uid));
  if (missing.length > 0) throw new InvalidArgumentError('subflows', `no node of the graph has the uid ${missing.join(', ')}`);
  return expanded;
}
