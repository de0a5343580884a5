export interface GraphNode {
  id: string;
}
export interface GraphEdge {
  from: string;
  to: string;
}
export interface TaskGraph {
  nodes: GraphNode[];
  edges: GraphEdge[];
}
export function buildTaskGraph(): TaskGraph {
  return { nodes: [], edges: [] };
}
