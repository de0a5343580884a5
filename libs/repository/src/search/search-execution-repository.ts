import type { Execution, TaskRun } from '@osprey/flow-model';
import type { DailyStateCount, DailyStatsQuery, ExecutionQuery, ExecutionRepository, Page } from '../ports.js';
import { searchDailyStateCounts } from './search-daily-stats.js';
import type { SearchContext } from './search-context.js';
import { NOT_DELETED, tombstoneOperations, type DeletedDocument, type ExecutionDocument, type TaskRunDocument } from './search-execution-documents.js';
import { addSearchFilters, refusingInvalidRegex } from './search-filters.js';
import { SearchFilter, searchPaging } from './search-query.js';

const SORTABLE: Record<string, string> = {
  id: 'id',
  namespace: 'namespace',
  flowId: 'flowId',
  'state.current': 'state',
  'state.startDate': 'startDate',
  'state.endDate': 'endDate',
};

function toExecution(doc: ExecutionDocument, taskRunList: TaskRun[]): Execution {
  return { ...doc.execution, version: doc.version, taskRunList } as Execution;
}

/** Executions are one document each, their task runs documents of the task runs index (see ExecutionDocument). */
export class SearchExecutionRepository implements ExecutionRepository {
  constructor(private readonly ctx: SearchContext) {}

  async get(id: string): Promise<Execution | null> {
    const { client, indices } = this.ctx;
    const stored = await client.get<ExecutionDocument | DeletedDocument>(indices.executions, id);
    if (!stored || 'deleted' in stored.source) return null;
    const taskRuns = await client.searchAll<TaskRunDocument>(indices.taskRuns, { term: { executionId: id } }, [
      { position: { order: 'asc', missing: '_last' } },
      { seq: { order: 'asc' } },
      { id: { order: 'asc' } },
    ]);
    return toExecution(stored.source, taskRuns.map((hit) => hit._source.taskRun));
  }

  async search(query: ExecutionQuery): Promise<Page<Execution>> {
    const filter = new SearchFilter()
      .add(NOT_DELETED)
      .namespace('namespace', query.namespace)
      .equals('flowId', query.flowId)
      .oneOf('state', query.state)
      .labels('labels', query.labels)
      .equals('parentId', query.parentExecutionId)
      .range('startDate', { gte: query.startDate, lte: query.endDate });
    addSearchFilters(filter, 'execution', query.filters, {
      text: { namespace: 'namespace', flowId: 'flowId', triggerExecutionId: 'parentId' },
      query: ['id', 'namespace', 'flowId'],
      date: 'startDate',
      state: 'state',
      labels: 'labels',
      parent: 'parentId',
    });
    const page = searchPaging(query, SORTABLE, [['startDate', 'desc'], ['id', 'desc']], 'id');
    const result = await refusingInvalidRegex(query.filters, () => this.ctx.client.search<ExecutionDocument>(this.ctx.indices.executions, { query: filter.toQuery(), ...page, track_total_hits: true }));
    return { total: result.total, results: result.hits.map((hit) => toExecution(hit._source, [])) };
  }

  /**
   * Replaces the execution and its task runs with tombstones at the highest external version rather than deleting
   * them: the indexer may still hold older copies (a redelivery, an execution that was running), and a write to a
   * deleted document would bring it back.
   */
  async delete(id: string): Promise<boolean> {
    const { client, indices, refresh } = this.ctx;
    const stored = await client.get<ExecutionDocument | DeletedDocument>(indices.executions, id);
    if (!stored || 'deleted' in stored.source) return false;
    await client.refreshIndex(indices.taskRuns);
    const taskRuns = await client.searchAll<TaskRunDocument>(indices.taskRuns, { term: { executionId: id } }, [{ id: { order: 'asc' } }]);
    const items = await client.bulk(tombstoneOperations(indices, id, taskRuns.map((hit) => hit._source.id)), refresh);
    const failed = items.find((item) => item.error);
    if (failed) throw new Error(`deleting execution ${id}: ${failed.id}: ${failed.error!.reason}`);
    return true;
  }

  async dailyStats(query: DailyStatsQuery & { groupBy?: 'namespace' | 'flow' }): Promise<DailyStateCount[]> {
    return searchDailyStateCounts(this.ctx, this.ctx.indices.executions, query, query.groupBy);
  }
}
