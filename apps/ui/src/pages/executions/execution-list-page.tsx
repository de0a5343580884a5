import { useEffect } from 'react';
import { Link } from 'react-router';
import { api, useApi, type Execution, type Paged } from '../../api/index.js';
import { DataTable, EmptyState, ErrorBanner, FiltersBar, LabelsView, LiveDuration, Loading, SearchInput, StateBadge, TimeAgo, isActiveState, useUrlState } from '../../components/index.js';
import { NamespaceFilter, StateFilter, TimeRangeFilter } from './list-filters.js';
import { many, parseLabels, timeRangeQuery, type TimeRangeKey } from './list-query.js';
import { userLabels } from './user-labels.js';
import './executions.css';

const REFRESH_MS = 5_000;

/** Executions with filters (namespace, flow, state, labels, time range), sort and paging, all kept in the URL. */
export default function ExecutionListPage() {
  const url = useUrlState<'namespace' | 'flowId' | 'state' | 'labels' | 'range' | 'from' | 'to' | 'sort' | 'page' | 'size'>();
  const { params, page, size } = url;
  const sort = url.get('sort') || 'state.startDate:desc';
  const key = params.toString();
  const result = useApi(
    (signal) =>
      api.get<Paged<Execution>>(
        '/api/v1/executions/search',
        {
          namespace: url.get('namespace'),
          flowId: url.get('flowId'),
          state: many(params, 'state'),
          labels: many(params, 'labels'),
          ...timeRangeQuery(params, Date.now()),
          page,
          size,
          sort,
        },
        { signal },
      ),
    [key],
  );

  // Running executions change under the user's eyes: refresh while any is shown.
  const active = result.data?.results.some((e) => isActiveState(e.state.current)) ?? false;
  const { reload } = result;
  useEffect(() => {
    if (!active) return;
    const timer = setInterval(reload, REFRESH_MS);
    return () => clearInterval(timer);
  }, [active, reload]);

  const { filtered } = url;
  return (
    <div className="page" data-testid="execution-list-page">
      <header className="page-header">
        <h1>Executions</h1>
        {result.data && <span className="page-header__sub">{result.data.total} in all</span>}
        <div className="page-header__actions">
          <button type="button" className="btn btn--small" onClick={reload} data-testid="executions-refresh">
            Refresh
          </button>
        </div>
      </header>
      <FiltersBar testId="execution-filters" onClear={filtered ? url.clear : undefined}>
        <NamespaceFilter value={url.get('namespace')} onChange={(namespace) => url.set({ namespace })} />
        <SearchInput label="Flow" placeholder="Flow id" value={url.get('flowId')} onChange={(flowId) => url.set({ flowId })} testId="flow-filter" />
        <SearchInput label="Labels" placeholder="key:value, key:value" value={many(params, 'labels').join(', ')} onChange={(text) => url.set({ labels: parseLabels(text) })} testId="labels-filter" />
        <TimeRangeFilter range={(url.get('range') || 'all') as TimeRangeKey} from={url.get('from')} to={url.get('to')} onChange={(change) => url.set(change)} />
        <StateFilter value={many(params, 'state')} onChange={(state) => url.set({ state })} />
      </FiltersBar>
      <ErrorBanner error={result.error} onRetry={reload} />
      {!result.data && result.loading ? (
        <Loading label="Loading executions…" />
      ) : (
        result.data && (
          <DataTable
            testId="execution-list"
            rows={result.data.results}
            rowKey={(e) => e.id}
            rowTestId={(e) => `execution-row-${e.id}`}
            {...url.paging}
            total={result.data.total}
            sort={sort}
            onSortChange={url.setSort}
            empty={
              <EmptyState
                title={filtered ? 'No execution matches these filters' : 'No execution yet'}
                hint={filtered ? 'Widen the time range or clear the filters.' : <>Open a flow and press Execute, or <Link to="/flows">see the flows</Link>.</>}
                testId="executions-empty"
              />
            }
            columns={[
              {
                key: 'id',
                header: 'Id',
                render: (e) => (
                  <Link to={`/executions/${encodeURIComponent(e.id)}`} className="execution-list__id" data-testid="execution-link">
                    {e.id}
                  </Link>
                ),
              },
              { key: 'start', header: 'Started', sortField: 'state.startDate', render: (e) => <TimeAgo date={e.state.startDate} /> },
              { key: 'duration', header: 'Duration', render: (e) => <LiveDuration start={e.state.startDate} end={e.state.endDate} iso={e.state.duration} /> },
              { key: 'namespace', header: 'Namespace', sortField: 'namespace', render: (e) => <button type="button" className="btn btn--ghost btn--small" onClick={() => url.set({ namespace: e.namespace })} title="Filter on this namespace">{e.namespace}</button> },
              {
                key: 'flow',
                header: 'Flow',
                sortField: 'flowId',
                render: (e) => <Link to={`/flows/${encodeURIComponent(e.namespace)}/${encodeURIComponent(e.flowId)}`}>{e.flowId}</Link>,
              },
              { key: 'labels', header: 'Labels', render: (e) => <LabelsView labels={userLabels(e.labels)} onClick={(l) => url.set({ labels: [...new Set([...many(params, 'labels'), `${l.key}:${l.value}`])] })} /> },
              { key: 'state', header: 'State', sortField: 'state.current', render: (e) => <StateBadge state={e.state.current} /> },
            ]}
          />
        )
      )}
    </div>
  );
}
