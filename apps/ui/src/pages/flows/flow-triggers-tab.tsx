import { useState } from 'react';
import { Link } from 'react-router';
import { api, errorMessage, useApi, type Flow, type Paged, type TaskDefinition, type TriggerContext } from '../../api/index.js';
import { DataTable, EmptyState, ErrorBanner, formatDate, Loading, TimeAgo, toast, type Column } from '../../components/index.js';

interface Row {
  definition: TaskDefinition;
  context?: TriggerContext;
}

/** The flow's triggers with their scheduler state: enable or disable each, unlock a stuck one. */
export function FlowTriggersTab({ flow }: { flow: Flow }) {
  const contexts = useApi(
    (signal) => api.get<Paged<TriggerContext>>(`/api/v1/triggers/${encodeURIComponent(flow.namespace)}/${encodeURIComponent(flow.id)}`, { size: 1000 }, { signal }),
    [flow.namespace, flow.id, flow.revision],
  );
  const [busy, setBusy] = useState<string>();
  const definitions = flow.triggers ?? [];
  if (definitions.length === 0) {
    return <EmptyState title="This flow has no triggers" hint="Add a Schedule, Flow or Webhook trigger under `triggers:` in the editor to start executions automatically." />;
  }
  if (contexts.loading && !contexts.data) return <Loading />;
  const byId = new Map((contexts.data?.results ?? []).map((c) => [c.triggerId, c]));
  const rows: Row[] = definitions.map((definition) => ({ definition, context: byId.get(definition.id) }));
  const key = (row: Row) => ({ namespace: flow.namespace, flowId: flow.id, triggerId: row.definition.id });

  const act = async (row: Row, what: string, call: () => Promise<unknown>) => {
    setBusy(`${row.definition.id}:${what}`);
    try {
      await call();
      toast(`Trigger ${row.definition.id}: ${what} done`, 'success');
      contexts.reload();
    } catch (e) {
      toast(`Trigger ${row.definition.id}: ${errorMessage(e)}`, 'error');
    } finally {
      setBusy(undefined);
    }
  };

  const columns: Column<Row>[] = [
    { key: 'id', header: 'Trigger', render: (r) => <strong>{r.definition.id}</strong> },
    { key: 'type', header: 'Type', render: (r) => r.definition.type.split('.').pop() },
    { key: 'detail', header: 'Details', render: (r) => <TriggerDetail flow={flow} definition={r.definition} /> },
    { key: 'next', header: 'Next run', render: (r) => (r.context?.nextExecutionDate ? <span title={formatDate(r.context.nextExecutionDate)}><TimeAgo date={r.context.nextExecutionDate} /></span> : <span className="muted">–</span>) },
    {
      key: 'running',
      header: 'Running',
      render: (r) =>
        r.context?.executionId ? (
          <Link className="mono" to={`/executions/${encodeURIComponent(r.context.executionId)}`}>
            {r.context.executionId}
          </Link>
        ) : r.context?.workerId ? (
          <span className="muted">held by {r.context.workerId}</span>
        ) : (
          <span className="muted">–</span>
        ),
    },
    {
      key: 'state',
      header: 'State',
      render: (r) => (r.context?.disabled || r.definition.disabled ? <span className="tag tag--muted">disabled</span> : <span className="tag tag--ok">enabled</span>),
    },
    {
      key: 'actions',
      header: '',
      align: 'right',
      render: (r) => {
        const disabled = r.context?.disabled ?? false;
        return (
          <span className="row-actions">
            <button
              type="button"
              className="btn btn--small"
              disabled={!r.context || busy !== undefined || r.definition.disabled === true}
              title={r.definition.disabled ? 'Disabled in the flow source' : undefined}
              onClick={() => void act(r, disabled ? 'enable' : 'disable', () => api.post('/api/v1/triggers/set-disabled/by-triggers', { triggers: [key(r)], disabled: !disabled }))}
              data-testid={`trigger-toggle-${r.definition.id}`}
            >
              {disabled ? 'Enable' : 'Disable'}
            </button>
            <button
              type="button"
              className="btn btn--small"
              disabled={!r.context || (!r.context.executionId && !r.context.workerId) || busy !== undefined}
              onClick={() => void act(r, 'unlock', () => api.post(`/api/v1/triggers/${encodeURIComponent(flow.namespace)}/${encodeURIComponent(flow.id)}/${encodeURIComponent(r.definition.id)}/unlock`))}
              data-testid={`trigger-unlock-${r.definition.id}`}
            >
              Unlock
            </button>
          </span>
        );
      },
    },
  ];
  return (
    <>
      <ErrorBanner error={contexts.error} onRetry={contexts.reload} />
      <DataTable testId="flow-triggers" columns={columns} rows={rows} rowKey={(r) => r.definition.id} />
      <p className="muted small">A trigger without state has not been seen by a scheduler yet (is one running?).</p>
    </>
  );
}

function TriggerDetail({ flow, definition }: { flow: Flow; definition: TaskDefinition }) {
  const type = definition.type.split('.').pop();
  if (type === 'Schedule') return <code>{String(definition.cron ?? definition.interval ?? '')}{definition.timezone ? ` (${String(definition.timezone)})` : ''}</code>;
  if (type === 'Webhook') {
    const path = `/api/v1/executions/webhook/${flow.namespace}/${flow.id}/${String(definition.key ?? '')}`;
    return <code title="POST, GET or PUT to this URL">{window.location.origin + path}</code>;
  }
  if (type === 'Flow') {
    const states = Array.isArray(definition.states) ? definition.states.join(', ') : '';
    return <span className="muted">{states ? `on ${states}` : 'on the end of another flow'}</span>;
  }
  return null;
}
