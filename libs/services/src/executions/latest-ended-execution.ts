import { TERMINATED_STATES, type Execution } from '@osprey/flow-model';
import type { ExecutionRepository } from '@osprey/repository';

/**
 * The execution of a flow that ended last (its namespace exactly, not its children), or undefined when none has ended:
 * what Kestra's "latest executions" answer per flow (running executions and the start order do not count).
 */
export async function latestEndedExecution(executions: ExecutionRepository, flow: { namespace: string; id: string }): Promise<Execution | undefined> {
  // The search's `namespace` takes child namespaces too: the flow's own is matched exactly with a filter.
  const exact = { field: 'namespace', operation: 'EQUALS', values: [flow.namespace] } as const;
  const found = await executions.search({ flowId: flow.id, filters: [exact], state: [...TERMINATED_STATES], sort: 'state.endDate:desc', page: 1, size: 1 });
  return found.results[0];
}
