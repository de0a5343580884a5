import { Link } from 'react-router';
import { api, useApi, type Execution, type Flow, type Paged } from '../../api/index.js';
import { DataTable, EmptyState, ErrorBanner, LabelsView, LiveDuration, Loading, StateBadge, TimeAgo, useUrlState, type Column } from '../../components/index.js';

/** The latest executions of this flow, newest first. */
export function FlowExecutionsTab({ flow, onExecute }: { flow: Flow; onExecute: () => void }) {
  const url = useUrlState<'page' | 'size'>();
  const { page, size } = url;
  const executions = useApi(
    (signal) => api.get<Paged<Execution>>('/api/v1/executions/search', { namespace: flow.namespace, flowId: flow.id, page, size, sort: 'state.startDate:desc' }, { signal }),
    [flow.namespace, flow.id, page, size],
  );
  const columns: Column<Execution>[] = [
    {
      key: 'id',
      header: 'Execution',
      render: (e) => (
        <Link className="mono" to={`/executions/${encodeURIComponent(e.id)}`}>
          {e.id}
        </Link>
      ),
    },
    { key: 'state', header: 'State', width: '8rem', render: (e) => <StateBadge state={e.state.current} /> },
    { key: 'start', header: 'Started', width: '9rem', render: (e) => <TimeAgo date={e.state.startDate} /> },
    { key: 'duration', header: 'Duration', width: '7rem', render: (e) => <LiveDuration start={e.state.startDate} end={e.state.endDate} iso={e.state.duration} /> },
    { key: 'revision', header: 'Rev.', align: 'right', width: '4rem', render: (e) => e.flowRevision },
    { key: 'labels', header: 'Labels', render: (e) => <LabelsView labels={e.labels} /> },
  ];
  if (executions.loading && !executions.data) return <Loading />;
  return (
    <>
      <ErrorBanner error={executions.error} onRetry={executions.reload} />
      {executions.data && (
        <DataTable
          testId="flow-executions"
          columns={columns}
          rows={executions.data.results}
          rowKey={(e) => e.id}
          {...url.paging}
          total={executions.data.total}
          empty={<EmptyState title="No executions yet" hint="Run this flow to see its executions here." action={<button type="button" className="btn btn--primary" onClick={onExecute}>Execute</button>} />}
        />
      )}
    </>
  );
}
