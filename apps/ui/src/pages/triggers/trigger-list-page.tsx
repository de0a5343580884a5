import { useState } from 'react';
import { Link } from 'react-router';
import { api, useApi, type Paged, type TriggerContext, type TriggerSearchItem } from '../../api/index.js';
import { ConfirmDialog, DataTable, Dialog, EmptyState, ErrorBanner, FiltersBar, Loading, SearchInput, TimeAgo, formatDate, toast, useUrlState } from '../../components/index.js';
import { NamespaceFilter } from '../executions/list-filters.js';
import '../executions/executions.css';
import './triggers.css';

type Key = Pick<TriggerContext, 'namespace' | 'flowId' | 'triggerId'>;
const keyOf = (c: Key) => `${c.namespace}/${c.flowId}/${c.triggerId}`;
const body = (c: Key) => ({ namespace: c.namespace, flowId: c.flowId, triggerId: c.triggerId });

/** Every trigger of every flow with its scheduler state: enable/disable (one or many), unlock, backfills. */
export default function TriggerListPage() {
  const url = useUrlState<'q' | 'namespace' | 'sort' | 'page' | 'size'>();
  const { params, page, size } = url;
  const sort = url.get('sort') || 'namespace:asc';
  const result = useApi(
    (signal) => api.get<Paged<TriggerSearchItem>>('/api/v1/triggers/search', { q: url.get('q'), namespace: url.get('namespace'), page, size, sort }, { signal }),
    [params.toString()],
  );
  const [selected, setSelected] = useState<Set<string>>(new Set());
  const [error, setError] = useState<unknown>();
  const [backfillFor, setBackfillFor] = useState<TriggerContext>();
  const [unlockFor, setUnlockFor] = useState<TriggerContext>();
  const [deleteBackfillFor, setDeleteBackfillFor] = useState<TriggerContext>();
  const [busy, setBusy] = useState(false);
  const { filtered } = url;
  const rows = result.data?.results ?? [];

  const act = async (action: () => Promise<unknown>, done: string) => {
    setBusy(true);
    setError(undefined);
    try {
      await action();
      toast(done, 'success');
      result.reload();
      return true;
    } catch (e) {
      setError(e);
      return false;
    } finally {
      setBusy(false);
    }
  };
  const setDisabled = (c: TriggerContext, disabled: boolean) => act(() => api.put('/api/v1/triggers', { ...body(c), disabled }), `${c.triggerId} ${disabled ? 'disabled' : 'enabled'}`);
  const bulk = (disabled: boolean) => {
    const triggers = rows.filter((r) => selected.has(keyOf(r.triggerContext))).map((r) => body(r.triggerContext));
    void act(() => api.post('/api/v1/triggers/set-disabled/by-triggers', { triggers, disabled }), `${triggers.length} trigger(s) ${disabled ? 'disabled' : 'enabled'}`).then((ok) => ok && setSelected(new Set()));
  };
  const toggle = (key: string) => {
    const next = new Set(selected);
    if (next.has(key)) next.delete(key);
    else next.add(key);
    setSelected(next);
  };
  const allOnPage = rows.length > 0 && rows.every((r) => selected.has(keyOf(r.triggerContext)));

  return (
    <div className="page" data-testid="trigger-list-page">
      <header className="page-header">
        <h1>Triggers</h1>
        {result.data && <span className="page-header__sub">{result.data.total} in all</span>}
        <div className="page-header__actions">
          {selected.size > 0 && (
            <>
              <span className="muted small">{selected.size} selected</span>
              <button type="button" className="btn btn--small" onClick={() => bulk(false)} disabled={busy} data-testid="triggers-enable-selected">
                Enable
              </button>
              <button type="button" className="btn btn--small" onClick={() => bulk(true)} disabled={busy} data-testid="triggers-disable-selected">
                Disable
              </button>
            </>
          )}
          <button type="button" className="btn btn--small" onClick={result.reload}>
            Refresh
          </button>
        </div>
      </header>
      <FiltersBar testId="trigger-filters" onClear={filtered ? url.clear : undefined}>
        <SearchInput label="Search" placeholder="Flow or trigger id" value={url.get('q')} onChange={(q) => url.set({ q })} testId="trigger-search" />
        <NamespaceFilter value={url.get('namespace')} onChange={(namespace) => url.set({ namespace })} />
      </FiltersBar>
      <ErrorBanner error={error ?? result.error} onRetry={error ? undefined : result.reload} onDismiss={error ? () => setError(undefined) : undefined} />
      {!result.data && result.loading ? (
        <Loading label="Loading triggers…" />
      ) : (
        result.data && (
          <DataTable
            testId="trigger-list"
            rows={rows}
            rowKey={(r) => keyOf(r.triggerContext)}
            rowTestId={(r) => `trigger-row-${r.triggerContext.flowId}-${r.triggerContext.triggerId}`}
            {...url.paging}
            total={result.data.total}
            sort={sort}
            onSortChange={url.setSort}
            empty={<EmptyState title={filtered ? 'No trigger matches' : 'No trigger yet'} hint={<>Add a <code>triggers:</code> block (e.g. a Schedule) to a flow; <Link to="/flows">see the flows</Link>.</>} testId="triggers-empty" />}
            columns={[
              {
                key: 'select',
                header: <input type="checkbox" aria-label="Select every trigger of the page" checked={allOnPage} onChange={() => setSelected(allOnPage ? new Set() : new Set(rows.map((r) => keyOf(r.triggerContext))))} />,
                width: '2.5rem',
                render: (r) => <input type="checkbox" aria-label={`Select ${r.triggerContext.triggerId}`} checked={selected.has(keyOf(r.triggerContext))} onChange={() => toggle(keyOf(r.triggerContext))} />,
              },
              { key: 'trigger', header: 'Trigger', sortField: 'triggerId', render: (r) => <code>{r.triggerContext.triggerId}</code> },
              {
                key: 'flow',
                header: 'Flow',
                sortField: 'flowId',
                render: (r) => (
                  <Link to={`/flows/${encodeURIComponent(r.triggerContext.namespace)}/${encodeURIComponent(r.triggerContext.flowId)}`}>
                    {r.triggerContext.namespace}.{r.triggerContext.flowId}
                  </Link>
                ),
              },
              { key: 'type', header: 'Type', render: (r) => <span title={r.abstractTrigger.type}>{shortType(r.abstractTrigger.type)}</span> },
              { key: 'last', header: 'Last', render: (r) => (r.triggerContext.executionId ? <Link to={`/executions/${encodeURIComponent(r.triggerContext.executionId)}`}><TimeAgo date={r.triggerContext.date} /></Link> : <TimeAgo date={r.triggerContext.date} />) },
              { key: 'next', header: 'Next', sortField: 'nextExecutionDate', render: (r) => (r.triggerContext.disabled ? <span className="muted">–</span> : <span title={formatDate(r.triggerContext.nextExecutionDate)}><TimeAgo date={r.triggerContext.nextExecutionDate} /></span>) },
              { key: 'backfill', header: 'Backfill', render: (r) => <BackfillStatus context={r.triggerContext} /> },
              {
                key: 'enabled',
                header: 'Enabled',
                render: (r) => (
                  <label className="switch">
                    <input type="checkbox" role="switch" checked={!r.triggerContext.disabled} onChange={(e) => void setDisabled(r.triggerContext, !e.target.checked)} disabled={busy} aria-label={`${r.triggerContext.triggerId} enabled`} data-testid="trigger-enabled" />
                    <span className="switch__slider" aria-hidden="true" />
                  </label>
                ),
              },
              {
                key: 'actions',
                header: 'Actions',
                render: (r) => <TriggerActions context={r.triggerContext} busy={busy} onUnlock={setUnlockFor} onBackfill={setBackfillFor} onDeleteBackfill={setDeleteBackfillFor}
                  onPause={(c, paused) => void act(() => api.put(`/api/v1/triggers/backfill/${paused ? 'pause' : 'unpause'}`, body(c)), `Backfill ${paused ? 'paused' : 'resumed'}`)} />,
              },
            ]}
          />
        )
      )}
      <ConfirmDialog
        open={unlockFor !== undefined}
        title="Unlock this trigger?"
        message={<p>A scheduler holds it{unlockFor?.executionId ? ', or it waits for its last execution to end' : ''}. Unlock it only if that scheduler or execution is gone, or it may fire twice.</p>}
        confirmLabel="Unlock"
        busy={busy}
        onClose={() => setUnlockFor(undefined)}
        onConfirm={() => {
          const c = unlockFor!;
          void act(() => api.post(`/api/v1/triggers/${encodeURIComponent(c.namespace)}/${encodeURIComponent(c.flowId)}/${encodeURIComponent(c.triggerId)}/unlock`), `${c.triggerId} unlocked`).then(() => setUnlockFor(undefined));
        }}
      />
      <ConfirmDialog
        open={deleteBackfillFor !== undefined}
        title="Delete this backfill?"
        message={<p>The executions it already started stay; the dates it has not reached yet are not run.</p>}
        confirmLabel="Delete backfill"
        danger
        busy={busy}
        onClose={() => setDeleteBackfillFor(undefined)}
        onConfirm={() => {
          const c = deleteBackfillFor!;
          void act(() => api.post('/api/v1/triggers/backfill/delete', body(c)), 'Backfill deleted').then(() => setDeleteBackfillFor(undefined));
        }}
      />
      {backfillFor && (
        <BackfillDialog
          context={backfillFor}
          busy={busy}
          onClose={() => setBackfillFor(undefined)}
          onSubmit={(start, end) => {
            const c = backfillFor;
            void act(() => api.put('/api/v1/triggers', { ...body(c), backfill: { start, end } }), 'Backfill started').then((ok) => ok && setBackfillFor(undefined));
          }}
        />
      )}
    </div>
  );
}

function shortType(type: string): string {
  return type.slice(type.lastIndexOf('.') + 1);
}

function isLocked(c: TriggerContext): boolean {
  return Boolean(c.executionId && !c.date) || Boolean(c.evaluateRunningDate && Date.parse(c.evaluateRunningDate) > Date.now());
}

function BackfillStatus({ context }: { context: TriggerContext }) {
  const b = context.backfill;
  if (!b) return <span className="muted">–</span>;
  return (
    <span className="small" title={`From ${formatDate(b.start)} to ${formatDate(b.end)}`}>
      {b.paused ? 'Paused' : 'Running'} at {formatDate(b.currentDate)}
    </span>
  );
}

function TriggerActions({ context, busy, onUnlock, onBackfill, onDeleteBackfill, onPause }: {
  context: TriggerContext;
  busy: boolean;
  onUnlock: (c: TriggerContext) => void;
  onBackfill: (c: TriggerContext) => void;
  onDeleteBackfill: (c: TriggerContext) => void;
  onPause: (c: TriggerContext, paused: boolean) => void;
}) {
  return (
    <span className="trigger-actions">
      {isLocked(context) && (
        <button type="button" className="btn btn--small" onClick={() => onUnlock(context)} disabled={busy} data-testid="trigger-unlock">
          Unlock
        </button>
      )}
      {context.backfill ? (
        <>
          <button type="button" className="btn btn--small" onClick={() => onPause(context, !context.backfill!.paused)} disabled={busy} data-testid="backfill-pause">
            {context.backfill.paused ? 'Resume backfill' : 'Pause backfill'}
          </button>
          <button type="button" className="btn btn--small btn--ghost" onClick={() => onDeleteBackfill(context)} disabled={busy} data-testid="backfill-delete">
            Delete backfill
          </button>
        </>
      ) : (
        <button type="button" className="btn btn--small" onClick={() => onBackfill(context)} disabled={busy} data-testid="backfill-start">
          Backfill…
        </button>
      )}
    </span>
  );
}

function BackfillDialog({ context, busy, onClose, onSubmit }: { context: TriggerContext; busy: boolean; onClose: () => void; onSubmit: (start: string, end?: string) => void }) {
  const [start, setStart] = useState('');
  const [end, setEnd] = useState('');
  const valid = start !== '' && (end === '' || new Date(end) > new Date(start));
  return (
    <Dialog
      open
      onClose={onClose}
      title={`Backfill ${context.triggerId}`}
      testId="backfill-dialog"
      footer={
        <>
          <button type="button" className="btn" onClick={onClose}>
            Cancel
          </button>
          <button type="button" className="btn btn--primary" disabled={!valid || busy} onClick={() => onSubmit(new Date(start).toISOString(), end ? new Date(end).toISOString() : undefined)} data-testid="backfill-submit">
            Start backfill
          </button>
        </>
      }
    >
      <p>The trigger fires once for every date of its schedule in this range, oldest first.</p>
      <label className="field">
        <span>Start</span>
        <input type="datetime-local" value={start} onChange={(e) => setStart(e.target.value)} required data-testid="backfill-start-date" />
      </label>
      <label className="field">
        <span>End (now when empty)</span>
        <input type="datetime-local" value={end} onChange={(e) => setEnd(e.target.value)} data-testid="backfill-end-date" />
      </label>
      {!valid && start !== '' && <p className="error-text">The end must come after the start.</p>}
    </Dialog>
  );
}
