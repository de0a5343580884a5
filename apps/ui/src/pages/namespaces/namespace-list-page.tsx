import { Link } from 'react-router';
import { api, useApi, type Namespace, type Paged } from '../../api/index.js';
import { DataTable, EmptyState, ErrorBanner, FiltersBar, Loading, SearchInput, useUrlState } from '../../components/index.js';
import './namespaces.css';

/** Namespaces (those holding flows, and their parents), searchable, paged, with links to their files, KV and runs. */
export default function NamespaceListPage() {
  const url = useUrlState<'q' | 'page' | 'size'>();
  const { params, page, size } = url;
  const result = useApi((signal) => api.get<Paged<Namespace>>('/api/v1/namespaces/search', { q: url.get('q'), page, size, sort: 'id:asc' }, { signal }), [params.toString()]);
  return (
    <div className="page" data-testid="namespace-list-page">
      <header className="page-header">
        <h1>Namespaces</h1>
        {result.data && <span className="page-header__sub">{result.data.total} in all</span>}
      </header>
      <FiltersBar testId="namespace-filters" onClear={url.get('q') ? url.clear : undefined}>
        <SearchInput label="Search" placeholder="Namespace" value={url.get('q')} onChange={(q) => url.set({ q })} testId="namespace-search" />
      </FiltersBar>
      <ErrorBanner error={result.error} onRetry={result.reload} />
      {!result.data && result.loading ? (
        <Loading label="Loading namespaces…" />
      ) : (
        result.data && (
          <DataTable
            testId="namespace-list"
            rows={result.data.results}
            rowKey={(n) => n.id}
            {...url.paging}
            total={result.data.total}
            empty={<EmptyState title={url.get('q') ? 'No namespace matches' : 'No namespace yet'} hint={<>A namespace exists once a flow is in it: <Link to="/flows/new">create a flow</Link>.</>} testId="namespaces-empty" />}
            columns={[
              {
                key: 'id',
                header: 'Namespace',
                render: (n) => (
                  <Link to={`/namespaces/${encodeURIComponent(n.id)}`} data-testid="namespace-link" style={{ paddingLeft: `${(n.id.split('.').length - 1) * 1.2}rem` }}>
                    {n.id}
                  </Link>
                ),
              },
              {
                key: 'links',
                header: '',
                align: 'right',
                render: (n) => (
                  <span className="namespace-links">
                    <Link to={`/namespaces/${encodeURIComponent(n.id)}/files`}>Files</Link>
                    <Link to={`/namespaces/${encodeURIComponent(n.id)}/kv`}>KV store</Link>
                    <Link to={`/executions?namespace=${encodeURIComponent(n.id)}`}>Executions</Link>
                  </span>
                ),
              },
            ]}
          />
        )
      )}
    </div>
  );
}
