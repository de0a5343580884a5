import { useState } from 'react';
import { Link, useNavigate, useParams } from 'react-router';
import { api, ApiError, useApi, type Flow } from '../../api/index.js';
import { ConfirmDialog, EmptyState, ErrorBanner, LabelsView, Loading, Tabs, TimeAgo, toast, type TabItem } from '../../components/index.js';
import { Topology } from '../../topology/index.js';
import { ExecuteDialog } from './execute-dialog.js';
import { FlowEditorTab } from './flow-editor-tab.js';
import { FlowExecutionsTab } from './flow-executions-tab.js';
import { FlowRevisionsTab } from './flow-revisions-tab.js';
import { FlowTriggersTab } from './flow-triggers-tab.js';
import { NEW_FLOW_TEMPLATE } from './new-flow-template.js';
import { TaskDetails } from './task-details.js';
import { useUnsavedGuard } from './use-unsaved-guard.js';
import './flows.css';

const TAB_IDS = ['editor', 'topology', 'executions', 'revisions', 'triggers'] as const;
type TabId = (typeof TAB_IDS)[number];

/** A flow (or a new one at /flows/new): editor, topology, executions, revisions and triggers, and Execute. */
export default function FlowPage() {
  const { namespace, id } = useParams();
  // One state per flow: a draft of one flow must never show in another's editor.
  return <FlowView key={namespace && id ? `${namespace}/${id}` : 'new'} />;
}

function FlowView() {
  const params = useParams();
  const navigate = useNavigate();
  const isNew = !params.namespace || !params.id;
  const namespace = params.namespace ?? '';
  const id = params.id ?? '';
  const base = isNew ? '/flows/new' : `/flows/${encodeURIComponent(namespace)}/${encodeURIComponent(id)}`;
  const tab: TabId = TAB_IDS.includes(params.tab as TabId) ? (params.tab as TabId) : 'editor';

  const flow = useApi(
    (signal) => (isNew ? Promise.resolve(undefined) : api.get<Flow>(`/api/v1/flows/${encodeURIComponent(namespace)}/${encodeURIComponent(id)}`, { source: true }, { signal })),
    [isNew, namespace, id],
  );
  const saved = isNew ? NEW_FLOW_TEMPLATE : (flow.data?.source ?? '');
  const [draft, setDraft] = useState<string>();
  const source = draft ?? saved;
  const dirty = draft !== undefined && draft !== saved;
  const [saving, setSaving] = useState(false);
  const [saveError, setSaveError] = useState<unknown>();
  const [executing, setExecuting] = useState(false);
  const [selectedTask, setSelectedTask] = useState<string>();
  const guard = useUnsavedGuard(dirty, base);

  const save = async () => {
    if (saving || !dirty) return;
    setSaving(true);
    setSaveError(undefined);
    try {
      const stored = isNew ? await api.yaml<Flow>('POST', '/api/v1/flows', source) : await api.yaml<Flow>('PUT', base.replace('/flows/', '/api/v1/flows/'), source);
      toast(`Saved ${stored.namespace}.${stored.id}, revision ${stored.revision}`, 'success');
      setDraft(undefined);
      if (isNew) {
        guard.skip();
        void navigate(`/flows/${encodeURIComponent(stored.namespace)}/${encodeURIComponent(stored.id)}`, { replace: true });
      } else {
        flow.setData(stored);
      }
    } catch (e) {
      setSaveError(e);
    } finally {
      setSaving(false);
    }
  };

  if (!isNew && flow.loading && !flow.data) return <Loading />;
  if (!isNew && flow.error) {
    return (
      <div className="page">
        <ErrorBanner error={flow.error} onRetry={flow.reload} />
        {flow.error instanceof ApiError && flow.error.status === 404 && (
          <EmptyState title={`No flow ${namespace}.${id}`} hint="It may have been deleted or renamed." action={<Link className="btn" to="/flows">All flows</Link>} />
        )}
      </div>
    );
  }
  const current = flow.data;
  const tabs: TabItem[] = [
    { id: 'editor', label: dirty ? 'Editor •' : 'Editor' },
    { id: 'topology', label: 'Topology', hidden: isNew },
    { id: 'executions', label: 'Executions', hidden: isNew },
    { id: 'revisions', label: 'Revisions', hidden: isNew },
    { id: 'triggers', label: `Triggers${current?.triggers?.length ? ` (${current.triggers.length})` : ''}`, hidden: isNew },
  ];

  return (
    <div className="page page--full">
      <div className="breadcrumbs">
        <Link to="/flows">Flows</Link>
        {!isNew && (
          <>
            {' / '}
            <Link to={`/flows?namespace=${encodeURIComponent(namespace)}`}>{namespace}</Link>
          </>
        )}
      </div>
      <header className="page-header">
        <h1 data-testid="flow-title">{isNew ? 'New flow' : id}</h1>
        {current && (
          <>
            <span className="tag">rev. {current.revision}</span>
            {current.disabled && <span className="tag tag--muted">disabled</span>}
            <LabelsView labels={current.labels} />
            <span className="page-header__sub">
              updated <TimeAgo date={current.updated} />
            </span>
          </>
        )}
        <div className="page-header__actions">
          {current && (
            <button
              type="button"
              className="btn btn--primary"
              onClick={() => setExecuting(true)}
              disabled={current.disabled}
              title={dirty ? 'Runs the saved revision; save first to run your changes' : current.disabled ? 'The flow is disabled' : undefined}
              data-testid="flow-execute"
            >
              ▶ Execute
            </button>
          )}
        </div>
      </header>
      {current?.description && <p className="flow-description">{current.description}</p>}
      <Tabs tabs={tabs} selected={tab} onSelect={(t) => void navigate(t === 'editor' ? base : `${base}/${t}`)} />
      <div role="tabpanel" aria-labelledby={`tab-${tab}`}>
        {tab === 'editor' && (
          <FlowEditorTab
            source={source}
            onChange={setDraft}
            onSave={() => void save()}
            onDiscard={isNew ? undefined : () => setDraft(undefined)}
            dirty={dirty || (isNew && draft === undefined)}
            saving={saving}
            saveError={saveError}
          />
        )}
        {tab === 'topology' && current && (
          <div className="topology-layout">
            <div>
              {dirty && <p className="muted">Showing the saved revision; your unsaved changes are not drawn.</p>}
              <Topology flow={current} onSelect={setSelectedTask} selected={selectedTask} height="calc(100vh - 280px)" />
            </div>
            {selectedTask && <TaskDetails flow={current} taskId={selectedTask} onClose={() => setSelectedTask(undefined)} />}
          </div>
        )}
        {tab === 'executions' && current && <FlowExecutionsTab flow={current} onExecute={() => setExecuting(true)} />}
        {tab === 'revisions' && current && (
          <FlowRevisionsTab
            flow={current}
            onRestored={() => {
              setDraft(undefined);
              flow.reload();
            }}
          />
        )}
        {tab === 'triggers' && current && <FlowTriggersTab flow={current} />}
      </div>
      {current && executing && <ExecuteDialog flow={current} open={executing} onClose={() => setExecuting(false)} />}
      <ConfirmDialog
        open={guard.blocker.state === 'blocked'}
        title="Leave without saving?"
        message="Your changes to this flow are not saved; they are lost if you leave."
        confirmLabel="Leave"
        danger
        onConfirm={() => guard.blocker.proceed?.()}
        onClose={() => guard.blocker.reset?.()}
      />
    </div>
  );
}
