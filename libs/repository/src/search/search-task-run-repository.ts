import type { TaskRun } from '@osprey/flow-model';
import type { DailyStateCount, DailyStatsQuery, Page, TaskRunQuery, TaskRunRepository } from '../ports.js';
import { searchDailyStateCounts } from './search-daily-stats.js';
import type { SearchContext } from './search-context.js';
import { NOT_DELETED, type TaskRunDocument } from './search-execution-documents.js';
import { addSearchFilters, refusingInvalidRegex } from './search-filters.js';
import { SearchFilter, searchPaging } from './search-query.js';

const SORTABLE: Record<string, string> = {
  id: 'id',
  namespace: 'namespace',
  flowId: 'flowId',
  executionId: 'executionId',
  taskId: 'taskId',
  'state.current': 'state',
  'state.startDate': 'startDate',
  'state.endDate': 'endDate',
};

/**
 * Task runs are their own documents, so the Task Runs view searches them directly; each carries a copy of its
 * execution's labels and parent for the filters on them (see TaskRunExecutionFields).
 */
export class SearchTaskRunRepository implements TaskRunRepository {
  constructor(private readonly ctx: SearchContext) {}

  async search(query: TaskRunQuery): Promise<Page<TaskRun>> {
    const filter = new SearchFilter()
      .add(NOT_DELETED)
      .namespace('namespace', query.namespace)
      .equals('flowId', query.flowId)
      .equals('executionId', query.executionId)
      .equals('taskId', query.taskId)
      .oneOf('state', query.state)
      .range('startDate', { gte: query.startDate, lte: query.endDate });
    addSearchFilters(filter, 'taskRun', query.filters, {
      text: { namespace: 'namespace', flowId: 'flowId', executionId: 'executionId', triggerExecutionId: 'parentId' },
      query: ['id', 'namespace', 'flowId', 'taskId', 'executionId'],
      date: 'startDate',
      state: 'state',
      labels: 'labels',
      parent: 'parentId',
    });
    const page = searchPaging(query, SORTABLE, [['startDate', 'desc'], ['id', 'desc']], 'id');
    const result = await refusingInvalidRegex(query.filters, () => this.ctx.client.search<TaskRunDocument>(this.ctx.indices.taskRuns, { query: filter.toQuery(), ...page, track_total_hits: true }));
    return { total: result.total, results: result.hits.map((hit) => hit._source.taskRun) };
  }

  async dailyStats(query: DailyStatsQuery): Promise<DailyStateCount[]> {
    return searchDailyStateCounts(this.ctx, this.ctx.indices.taskRuns, query);
  }
}
