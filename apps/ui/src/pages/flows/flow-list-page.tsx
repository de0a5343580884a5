import { useCallback } from 'react';
import { Link } from 'react-router';
import { api, useApi, type Flow, type Paged } from '../../api/index.js';
import { DataTable, EmptyState, ErrorBanner, FiltersBar, LabelsView, Loading, SearchInput, SelectFilter, TimeAgo, useUrlState, type Column } from '../../components/index.js';
import { parseLabelFilter } from './labels-param.js';

/** Flows: search by text, namespace and labels; paging and filters live in the URL. */
export default function FlowListPage() {
  const url = useUrlState<'q' | 'namespace' | 'labels' | 'page' | 'size' | 'sort'>();
  const q = url.get('q');
  const namespace = url.get('namespace');
  const labels = url.get('labels');
  const sort = url.get('sort') || 'id:asc';
  const { page, size } = url;

  const namespaces = useApi((signal) => api.get<string[]>('/api/v1/flows/distinct-namespaces', undefined, { signal }), []);
  const flows = useApi(
    (signal) => api.get<Paged<Flow>>('/api/v1/flows/search', { q, namespace, labels: parseLabelFilter(labels), page, size, sort }, { signal }),
    [q, namespace, labels, page, size, sort],
  );
  const setQ = useCallback((value: string) => url.set({ q: value }), [url]);
  const setLabels = useCallback((value: string) => url.set({ labels: value }), [url]);

  const columns: Column<Flow>[] = [
    {
      key: 'id',
      header: 'Flow',
      sortField: 'id',
      render: (f) => (
        <Link to={`/flows/${encodeURIComponent(f.namespace)}/${encodeURIComponent(f.id)}`} data-testid={`flow-link-${f.namespace}.${f.id}`}>
          <strong>{f.id}</strong>
        </Link>
      ),
    },
    { key: 'namespace', header: 'Namespace', sortField: 'namespace', render: (f) => <button type="button" className="link-button" onClick={() => url.set({ namespace: f.namespace })} title="Filter by this namespace">{f.namespace}</button> },
    { key: 'labels', header: 'Labels', render: (f) => <LabelsView labels={f.labels} onClick={(l) => url.set({ labels: `${l.key}:${l.value}` })} /> },
    { key: 'tasks', header: 'Tasks', align: 'right', width: '5rem', render: (f) => f.tasks?.length ?? 0 },
    { key: 'triggers', header: 'Triggers', render: (f) => (f.triggers ?? []).map((t) => t.type.split('.').pop()).join(', ') || <span className="muted">–</span> },
    { key: 'revision', header: 'Rev.', sortField: 'revision', align: 'right', width: '4rem', render: (f) => f.revision },
    { key: 'updated', header: 'Updated', sortField: 'updated', width: '8rem', render: (f) => <TimeAgo date={f.updated} /> },
    { key: 'state', header: '', width: '6rem', render: (f) => (f.disabled ? <span className="tag tag--muted">disabled</span> : null) },
  ];

  const filtered = !!(q || namespace || labels);
  return (
    <div className="page">
      <header className="page-header">
        <h1>Flows</h1>
        {flows.data && <span className="page-header__sub">{flows.data.total} flows</span>}
        <div className="page-header__actions">
          <Link className="btn btn--primary" to="/flows/new" data-testid="flow-create">
            + New flow
          </Link>
        </div>
      </header>
      <FiltersBar onClear={filtered ? url.clear : undefined} testId="flow-filters">
        <SearchInput value={q} onChange={setQ} placeholder="id, namespace or description" testId="flow-search" />
        <SelectFilter label="Namespace" value={namespace} onChange={(v) => url.set({ namespace: v })} options={namespaces.data ?? []} testId="flow-namespace-filter" />
        <SearchInput label="Labels" value={labels} onChange={setLabels} placeholder="key:value, key:value" testId="flow-labels-filter" />
      </FiltersBar>
      <ErrorBanner error={flows.error} onRetry={flows.reload} />
      {flows.loading && !flows.data ? (
        <Loading />
      ) : flows.data ? (
        <DataTable
          testId="flow-table"
          columns={columns}
          rows={flows.data.results}
          rowKey={(f) => `${f.namespace}.${f.id}`}
          rowTestId={(f) => `flow-row-${f.namespace}.${f.id}`}
          {...url.paging}
          total={flows.data.total}
          sort={sort}
          onSortChange={url.setSort}
          empty={
            filtered ? (
              <EmptyState title="No flow matches these filters" hint="Change or clear the filters." action={<button type="button" className="btn" onClick={url.clear}>Clear filters</button>} />
            ) : (
              <EmptyState
                title="No flows yet"
                hint="A flow is a YAML file of tasks. Write your first one in the editor, or send files to POST /api/v1/flows (see docs/getting-started.md)."
                action={<Link className="btn btn--primary" to="/flows/new">Create a flow</Link>}
              />
            )
          }
        />
      ) : null}
    </div>
  );
}
