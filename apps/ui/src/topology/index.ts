// Task graph of a flow: `<Topology flow={flow} states={{ taskId: 'RUNNING' }} onSelect={(taskId) => ...} />`.
export { Topology, type TopologyProps } from './topology.js';
export { buildTaskGraph, type TaskGraph, type GraphNode, type GraphEdge } from './task-graph.js';
