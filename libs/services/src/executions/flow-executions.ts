import { TERMINATED_STATES, type Execution } from '@osprey/flow-model';
import type { ExecutionRepository, QueryFilter } from '@osprey/repository';

/**
 * The filter that keeps the executions of one namespace exactly: the search's `namespace` takes child namespaces too,
 * while Kestra's per-flow operations match the flow's own.
 */
export function inNamespaceExactly(namespace: string): QueryFilter {
  return { field: 'namespace', operation: 'EQUALS', values: [namespace] };
}

/**
 * The execution of a flow that ended last (its namespace exactly, not its children), or undefined when none has ended:
 * what Kestra's "latest executions" answer per flow (running executions and the start order do not count).
 */
export async function latestEndedExecution(executions: ExecutionRepository, flow: { namespace: string; id: string }): Promise<Execution | undefined> {
  const found = await executions.search({ flowId: flow.id, filters: [inNamespaceExactly(flow.namespace)], state: [...TERMINATED_STATES], sort: 'state.endDate:desc', page: 1, size: 1 });
  return found.results[0];
}
