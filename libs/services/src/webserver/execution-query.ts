import { applyDecorators } from '@nestjs/common';
import { ApiQuery } from '@nestjs/swagger';
import type { ExecutionQuery } from '@osprey/repository';
import { ApiFilters } from './api-docs.js';
import { readSearchQuery, type Param, type RawQuery, type SearchQuerySpec } from './filter-params.js';
import { dateParam, labelsParam, oneParam, statesParam } from './query-params.js';

/** The parameters that select executions, shared by the search and the bulk `by-query` actions. */
const FILTER_PARAMS = ['namespace', 'flowId', 'state', 'labels', 'startDate', 'endDate'] as const;
const LEGACY: SearchQuerySpec['legacy'] = {
  q: { field: 'q', operation: 'EQUALS' },
  timeRange: { field: 'timeRange', operation: 'EQUALS' },
  triggerExecutionId: { field: 'triggerExecutionId', operation: 'EQUALS' },
  childFilter: { field: 'childFilter', operation: 'EQUALS' },
};

/**
 * The execution selection of a query string: simple parameters and `filters[field][OPERATION]=value`, read by the
 * one filter parser; `extra` names the endpoint's other parameters, returned as given.
 */
export function readExecutionQuery(raw: RawQuery, extra: readonly string[] = []): { query: ExecutionQuery; params: Record<string, Param> } {
  const { filters, params } = readSearchQuery(raw, { resource: 'execution', params: [...FILTER_PARAMS, ...extra], legacy: LEGACY });
  const query: ExecutionQuery = {
    namespace: oneParam(params.namespace, 'namespace'),
    flowId: oneParam(params.flowId, 'flowId'),
    state: statesParam(params.state),
    labels: labelsParam(params.labels),
    startDate: dateParam(params.startDate, 'startDate'),
    endDate: dateParam(params.endDate, 'endDate'),
    filters,
  };
  return { query, params };
}

/** Whether a query selects anything narrower than every execution. */
export function isFiltered(query: ExecutionQuery): boolean {
  return (query.filters?.length ?? 0) > 0 || FILTER_PARAMS.some((p) => query[p] !== undefined);
}

/** The OpenAPI parameters `readExecutionQuery` takes. */
export function ApiExecutionFilters(): MethodDecorator {
  return applyDecorators(
    ApiQuery({ name: 'namespace', required: false, description: 'Namespace, children included' }),
    ApiQuery({ name: 'flowId', required: false }),
    ApiQuery({ name: 'state', required: false, isArray: true, description: 'States, repeated or comma-separated' }),
    ApiQuery({ name: 'labels', required: false, isArray: true, description: 'Labels as key:value' }),
    ApiQuery({ name: 'startDate', required: false, description: 'ISO-8601, executions started at or after' }),
    ApiQuery({ name: 'endDate', required: false, description: 'ISO-8601, executions started at or before' }),
    ApiQuery({ name: 'q', required: false, description: 'Text in the id, namespace or flow id (as filters[q][EQUALS])' }),
    ApiQuery({ name: 'timeRange', required: false, description: 'ISO-8601 duration: executions started within it (as filters[timeRange][EQUALS])' }),
    ApiQuery({ name: 'triggerExecutionId', required: false, description: 'The parent execution (as filters[triggerExecutionId][EQUALS])' }),
    ApiQuery({ name: 'childFilter', required: false, enum: ['CHILD', 'MAIN'], description: 'Subflow executions or the others (as filters[childFilter][EQUALS])' }),
    ApiFilters('execution'),
  );
}
