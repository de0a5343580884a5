import type { Flow, StateType } from '../api/types.js';

export interface TopologyProps {
  flow: Pick<Flow, 'tasks'> & Partial<Pick<Flow, 'errors' | 'finally' | 'triggers' | 'id' | 'namespace'>>;
  /** taskId → state, to colour the nodes (an execution's task runs). */
  states?: Record<string, StateType | string>;
  onSelect?: (taskId: string) => void;
  selected?: string;
}

export function Topology(_props: TopologyProps) {
  return <div data-testid="topology" />;
}
