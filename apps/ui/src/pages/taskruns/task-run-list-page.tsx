import { Link } from 'react-router';
import { api, useApi, type Paged, type TaskRun } from '../../api/index.js';
import { DataTable, EmptyState, ErrorBanner, FiltersBar, LiveDuration, Loading, SearchInput, StateBadge, TimeAgo, useUrlState } from '../../components/index.js';
import { NamespaceFilter, StateFilter, TimeRangeFilter } from '../executions/list-filters.js';
import { many, timeRangeQuery, type TimeRangeKey } from '../executions/list-query.js';
import '../executions/executions.css';

/** Task runs of every execution, searchable on every backend: namespace, flow, task, state and time range filters in the URL. */
export default function TaskRunListPage() {
  const url = useUrlState<'namespace' | 'flowId' | 'taskId' | 'state' | 'range' | 'from' | 'to' | 'sort' | 'page' | 'size'>();
  const { params, page, size } = url;
  const sort = url.get('sort') || 'state.startDate:desc';
  const result = useApi(
    (signal) =>
      api.get<Paged<TaskRun>>(
        '/api/v1/taskruns/search',
        { namespace: url.get('namespace'), flowId: url.get('flowId'), taskId: url.get('taskId'), state: many(params, 'state'), ...timeRangeQuery(params, Date.now()), page, size, sort },
        { signal },
      ),
    [params.toString()],
  );
  const { filtered } = url;

  return (
    <div className="page" data-testid="task-run-list-page">
      <header className="page-header">
        <h1>Task runs</h1>
        {result.data && <span className="page-header__sub">{result.data.total} in all</span>}
        <div className="page-header__actions">
          <button type="button" className="btn btn--small" onClick={result.reload}>
            Refresh
          </button>
        </div>
      </header>
      <FiltersBar testId="taskrun-filters" onClear={filtered ? url.clear : undefined}>
        <NamespaceFilter value={url.get('namespace')} onChange={(namespace) => url.set({ namespace })} />
        <SearchInput label="Flow" placeholder="Flow id" value={url.get('flowId')} onChange={(flowId) => url.set({ flowId })} testId="taskrun-flow-filter" />
        <SearchInput label="Task" placeholder="Task id" value={url.get('taskId')} onChange={(taskId) => url.set({ taskId })} testId="taskrun-task-filter" />
        <TimeRangeFilter range={(url.get('range') || 'all') as TimeRangeKey} from={url.get('from')} to={url.get('to')} onChange={(change) => url.set(change)} />
        <StateFilter value={many(params, 'state')} onChange={(state) => url.set({ state })} />
      </FiltersBar>
      <ErrorBanner error={result.error} onRetry={result.reload} />
      {!result.data && result.loading ? (
        <Loading label="Loading task runs…" />
      ) : (
        result.data && (
          <DataTable
            testId="task-run-list"
            rows={result.data.results}
            rowKey={(t) => t.id}
            {...url.paging}
            total={result.data.total}
            sort={sort}
            onSortChange={url.setSort}
            empty={<EmptyState title={filtered ? 'No task run matches these filters' : 'No task run yet'} hint={filtered ? 'Widen the time range or clear the filters.' : 'Task runs appear here as executions run their tasks.'} testId="taskruns-empty" />}
            columns={[
              {
                key: 'task',
                header: 'Task',
                sortField: 'taskId',
                render: (t) => (
                  <span>
                    <code>{t.taskId}</code>
                    {t.value !== undefined && <span className="gantt__value">{t.value}</span>}
                  </span>
                ),
              },
              {
                key: 'execution',
                header: 'Execution',
                sortField: 'executionId',
                render: (t) => (
                  <Link to={`/executions/${encodeURIComponent(t.executionId)}`} className="execution-list__id">
                    {t.executionId}
                  </Link>
                ),
              },
              { key: 'flow', header: 'Flow', sortField: 'flowId', render: (t) => <Link to={`/flows/${encodeURIComponent(t.namespace)}/${encodeURIComponent(t.flowId)}`}>{t.namespace}.{t.flowId}</Link> },
              { key: 'start', header: 'Started', sortField: 'state.startDate', render: (t) => <TimeAgo date={t.state.startDate} /> },
              { key: 'duration', header: 'Duration', render: (t) => <LiveDuration start={t.state.startDate} end={t.state.endDate} iso={t.state.duration} /> },
              { key: 'attempts', header: 'Attempts', align: 'right', render: (t) => t.attempts.length },
              { key: 'state', header: 'State', sortField: 'state.current', render: (t) => <StateBadge state={t.state.current} /> },
            ]}
          />
        )
      )}
    </div>
  );
}
