import { Link } from 'react-router';
import { api, useApi, type LogEntry, type Paged } from '../../api/index.js';
import { DataTable, EmptyState, ErrorBanner, FiltersBar, Loading, SearchInput, SelectFilter, formatDate, useUrlState } from '../../components/index.js';
import { NamespaceFilter, TimeRangeFilter } from '../executions/list-filters.js';
import { timeRangeQuery, type TimeRangeKey } from '../executions/list-query.js';
import { LOG_LEVELS } from './log-levels.js';
import './logs.css';

/** Logs of every execution: text, namespace, flow, level and time range, newest first, paged; filters in the URL. */
export default function LogSearchPage() {
  const url = useUrlState<'q' | 'namespace' | 'flowId' | 'minLevel' | 'range' | 'from' | 'to' | 'sort' | 'page' | 'size'>();
  const { params, page, size } = url;
  // Without a range the newest day is searched: a global log table grows fast.
  const range = (url.get('range') || '24h') as TimeRangeKey;
  const sort = url.get('sort') || 'timestamp:desc';
  const result = useApi(
    (signal) =>
      api.get<Paged<LogEntry>>(
        '/api/v1/logs/search',
        { q: url.get('q'), namespace: url.get('namespace'), flowId: url.get('flowId'), minLevel: url.get('minLevel') || 'INFO', ...timeRangeQuery(params, Date.now(), '24h'), page, size, sort },
        { signal },
      ),
    [params.toString()],
  );
  const { filtered } = url;

  return (
    <div className="page" data-testid="log-search-page">
      <header className="page-header">
        <h1>Logs</h1>
        {result.data && <span className="page-header__sub">{result.data.total} lines</span>}
        <div className="page-header__actions">
          <button type="button" className="btn btn--small" onClick={result.reload}>
            Refresh
          </button>
        </div>
      </header>
      <FiltersBar testId="log-filters" onClear={filtered ? url.clear : undefined}>
        <SearchInput label="Text" placeholder="Text in the message" value={url.get('q')} onChange={(q) => url.set({ q })} testId="log-search-q" />
        <NamespaceFilter value={url.get('namespace')} onChange={(namespace) => url.set({ namespace })} />
        <SearchInput label="Flow" placeholder="Flow id" value={url.get('flowId')} onChange={(flowId) => url.set({ flowId })} testId="log-flow-filter" />
        <SelectFilter
          label="Level"
          value={url.get('minLevel') === 'INFO' ? '' : url.get('minLevel')}
          onChange={(minLevel) => url.set({ minLevel })}
          options={LOG_LEVELS.filter((l) => l !== 'INFO').map((l) => ({ value: l, label: `${l} and above` }))}
          anyLabel="INFO and above"
          testId="log-level-filter"
        />
        <TimeRangeFilter range={range} from={url.get('from')} to={url.get('to')} onChange={(change) => url.set({ ...change, range: change.range || 'all' })} />
      </FiltersBar>
      <ErrorBanner error={result.error} onRetry={result.reload} />
      {!result.data && result.loading ? (
        <Loading label="Searching the logs…" />
      ) : (
        result.data && (
          <DataTable
            testId="log-search-results"
            rows={result.data.results}
            rowKey={(l) => `${l.executionId}:${l.timestamp}:${l.taskRunId ?? ''}:${l.message.slice(0, 40)}`}
            {...url.paging}
            total={result.data.total}
            sort={sort}
            onSortChange={url.setSort}
            empty={<EmptyState title="No log line found" hint={filtered ? 'Widen the time range, lower the level or change the text.' : 'Lines appear here once executions run and log.'} testId="logs-empty" />}
            columns={[
              { key: 'time', header: 'Time', width: '13rem', sortField: 'timestamp', render: (l) => <span className="nowrap">{formatDate(l.timestamp)}</span> },
              { key: 'level', header: 'Level', width: '5rem', sortField: 'level', render: (l) => <span className="log-line" data-level={l.level} style={{ display: 'inline', padding: 0, border: 0 }}><span className="log-line__level">{l.level}</span></span> },
              { key: 'flow', header: 'Flow', render: (l) => <Link to={`/flows/${encodeURIComponent(l.namespace)}/${encodeURIComponent(l.flowId)}`}>{l.namespace}.{l.flowId}</Link> },
              { key: 'execution', header: 'Execution', render: (l) => <Link to={`/executions/${encodeURIComponent(l.executionId)}/logs`} className="execution-list__id">{l.executionId}</Link> },
              { key: 'task', header: 'Task', render: (l) => l.taskId ?? l.triggerId ?? '–' },
              { key: 'message', header: 'Message', render: (l) => <span className="log-search__message">{l.message}</span> },
            ]}
          />
        )
      )}
    </div>
  );
}
