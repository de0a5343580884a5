import { Link, useNavigate, useParams } from 'react-router';
import { api, useApi, type Flow } from '../../api/index.js';
import { DataTable, EmptyState, ErrorBanner, LabelsView, Loading, Tabs } from '../../components/index.js';
import { NamespaceFiles } from './namespace-files.js';
import { NamespaceKv } from './namespace-kv.js';
import './namespaces.css';

const TABS = ['flows', 'files', 'kv'] as const;
type Tab = (typeof TABS)[number];

/** One namespace: its flows, its files and its key-value store. */
export default function NamespacePage() {
  const { namespace = '', tab: tabParam } = useParams();
  const navigate = useNavigate();
  const tab: Tab = (TABS as readonly string[]).includes(tabParam ?? '') ? (tabParam as Tab) : 'flows';
  return (
    <div className="page" data-testid="namespace-page">
      <div className="breadcrumbs">
        <Link to="/namespaces">Namespaces</Link> /
      </div>
      <header className="page-header">
        <h1>{namespace}</h1>
        <div className="page-header__actions">
          <Link className="btn btn--small" to={`/executions?namespace=${encodeURIComponent(namespace)}`}>
            Executions
          </Link>
          <Link className="btn btn--small" to={`/logs?namespace=${encodeURIComponent(namespace)}`}>
            Logs
          </Link>
        </div>
      </header>
      <Tabs
        testId="namespace-tabs"
        selected={tab}
        onSelect={(next) => navigate(`/namespaces/${encodeURIComponent(namespace)}${next === 'flows' ? '' : `/${next}`}`)}
        tabs={[
          { id: 'flows', label: 'Flows' },
          { id: 'files', label: 'Files' },
          { id: 'kv', label: 'KV store' },
        ]}
      />
      <div className="tab-panel" role="tabpanel" aria-labelledby={`tab-${tab}`}>
        {tab === 'flows' && <NamespaceFlows namespace={namespace} />}
        {tab === 'files' && <NamespaceFiles namespace={namespace} />}
        {tab === 'kv' && <NamespaceKv namespace={namespace} />}
      </div>
    </div>
  );
}

function NamespaceFlows({ namespace }: { namespace: string }) {
  const flows = useApi((signal) => api.get<Flow[]>(`/api/v1/flows/${encodeURIComponent(namespace)}`, undefined, { signal }), [namespace]);
  if (flows.error !== undefined) return <ErrorBanner error={flows.error} onRetry={flows.reload} />;
  if (!flows.data) return <Loading label="Loading flows…" />;
  return (
    <DataTable
      testId="namespace-flows"
      rows={flows.data}
      rowKey={(f) => f.id}
      empty={<EmptyState title="No flow directly in this namespace" hint={<>Its child namespaces may hold some; <Link to="/flows/new">create a flow</Link> here with <code>namespace: {namespace}</code>.</>} />}
      columns={[
        { key: 'id', header: 'Flow', render: (f) => <Link to={`/flows/${encodeURIComponent(f.namespace)}/${encodeURIComponent(f.id)}`}>{f.id}</Link> },
        { key: 'revision', header: 'Revision', align: 'right', width: '6rem', render: (f) => f.revision },
        { key: 'labels', header: 'Labels', render: (f) => <LabelsView labels={f.labels} /> },
        { key: 'triggers', header: 'Triggers', align: 'right', width: '6rem', render: (f) => f.triggers?.length ?? 0 },
        { key: 'status', header: 'Status', width: '7rem', render: (f) => (f.disabled ? <span className="muted">Disabled</span> : 'Enabled') },
        { key: 'runs', header: '', align: 'right', render: (f) => <Link to={`/executions?namespace=${encodeURIComponent(f.namespace)}&flowId=${encodeURIComponent(f.id)}`}>Executions</Link> },
      ]}
    />
  );
}
