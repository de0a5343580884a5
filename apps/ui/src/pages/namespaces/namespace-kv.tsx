import { useState } from 'react';
import { api, useApi, type KvEntry, type KvTypedValue } from '../../api/index.js';
import { CodeView, ConfirmDialog, DataTable, Dialog, EmptyState, ErrorBanner, Loading, TimeAgo, formatDate, toast } from '../../components/index.js';
import { KV_TYPES, isIsoDuration, kvFormOf, parseKvInput, type KvFormType } from './kv-value.js';

const KEY_PATTERN = /^[A-Za-z0-9][A-Za-z0-9._-]*$/;

/** The namespace's key-value store: list, view, add or edit a value with its type and a TTL, delete. */
export function NamespaceKv({ namespace }: { namespace: string }) {
  const base = `/api/v1/namespaces/${encodeURIComponent(namespace)}/kv`;
  const list = useApi((signal) => api.get<KvEntry[]>(base, undefined, { signal }), [base]);
  const [editing, setEditing] = useState<{ key?: string }>();
  const [viewing, setViewing] = useState<string>();
  const [deleting, setDeleting] = useState<string>();
  const [error, setError] = useState<unknown>();
  const [busy, setBusy] = useState(false);

  const remove = async () => {
    const key = deleting!;
    setBusy(true);
    try {
      await api.del(`${base}/${encodeURIComponent(key)}`);
      toast(`${key} deleted`, 'success');
      list.reload();
    } catch (e) {
      setError(e);
    } finally {
      setBusy(false);
      setDeleting(undefined);
    }
  };

  return (
    <div className="namespace-kv" data-testid="namespace-kv">
      <div className="namespace-files__bar">
        <span className="muted">Values the flows of this namespace read with kv() and the KV tasks.</span>
        <span className="spacer" />
        <button type="button" className="btn btn--primary btn--small" onClick={() => setEditing({})} data-testid="kv-add">
          Add a key
        </button>
      </div>
      <ErrorBanner error={error} onDismiss={() => setError(undefined)} />
      {list.error !== undefined && <ErrorBanner error={list.error} onRetry={list.reload} />}
      {!list.data && list.loading ? (
        <Loading label="Loading keys…" />
      ) : (
        list.data && (
          <DataTable
            testId="kv-list"
            rows={[...list.data].sort((a, b) => a.key.localeCompare(b.key))}
            rowKey={(e) => e.key}
            rowTestId={(e) => `kv-row-${e.key}`}
            empty={<EmptyState title="No key yet" hint="Add one here, or let a flow write it with the io.kestra.plugin.core.kv.Set task." testId="kv-empty" />}
            columns={[
              {
                key: 'key',
                header: 'Key',
                render: (e) => (
                  <button type="button" className="btn btn--ghost btn--small" onClick={() => setViewing(e.key)}>
                    <code>{e.key}</code>
                  </button>
                ),
              },
              { key: 'updated', header: 'Updated', render: (e) => <TimeAgo date={e.updateDate} /> },
              { key: 'expires', header: 'Expires', render: (e) => (e.expirationDate ? <span title={formatDate(e.expirationDate)}><TimeAgo date={e.expirationDate} /></span> : <span className="muted">never</span>) },
              {
                key: 'actions',
                header: '',
                align: 'right',
                render: (e) => (
                  <span className="namespace-links">
                    <button type="button" className="btn btn--small" onClick={() => setEditing({ key: e.key })} data-testid="kv-edit">
                      Edit
                    </button>
                    <button type="button" className="btn btn--small btn--ghost" onClick={() => setDeleting(e.key)} data-testid="kv-delete">
                      Delete
                    </button>
                  </span>
                ),
              },
            ]}
          />
        )
      )}
      {viewing && <KvValueDialog base={base} kvKey={viewing} onClose={() => setViewing(undefined)} />}
      {editing && (
        <KvEditDialog
          base={base}
          kvKey={editing.key}
          onClose={() => setEditing(undefined)}
          onSaved={(key) => {
            toast(`${key} saved`, 'success');
            setEditing(undefined);
            list.reload();
          }}
        />
      )}
      <ConfirmDialog open={deleting !== undefined} title={`Delete ${deleting ?? ''}?`} message="Flows reading this key will not find it any more." confirmLabel="Delete" danger busy={busy} onConfirm={() => void remove()} onClose={() => setDeleting(undefined)} />
    </div>
  );
}

function KvValueDialog({ base, kvKey, onClose }: { base: string; kvKey: string; onClose: () => void }) {
  const value = useApi((signal) => api.get<KvTypedValue>(`${base}/${encodeURIComponent(kvKey)}`, undefined, { signal }), [base, kvKey]);
  return (
    <Dialog open onClose={onClose} title={kvKey} testId="kv-value-dialog">
      {value.loading && <Loading />}
      <ErrorBanner error={value.error} />
      {value.data && (
        <>
          <p className="muted small">{value.data.type}</p>
          <CodeView value={value.data.value} maxHeight="50vh" />
        </>
      )}
    </Dialog>
  );
}

function KvEditDialog({ base, kvKey, onClose, onSaved }: { base: string; kvKey?: string; onClose: () => void; onSaved: (key: string) => void }) {
  const existing = useApi(async (signal) => (kvKey ? api.get<KvTypedValue>(`${base}/${encodeURIComponent(kvKey)}`, undefined, { signal }) : undefined), [base, kvKey]);
  const [key, setKey] = useState(kvKey ?? '');
  const [form, setForm] = useState<{ type: KvFormType; text: string }>();
  const [ttl, setTtl] = useState('');
  const [error, setError] = useState<unknown>();
  const [busy, setBusy] = useState(false);
  const current = form ?? (existing.data ? kvFormOf(existing.data.type, existing.data.value) : { type: 'STRING' as KvFormType, text: '' });
  const parsed = parseKvInput(current.type, current.text);
  const keyError = key !== '' && !KEY_PATTERN.test(key) ? 'Letters, digits, ".", "_" and "-", starting with a letter or digit' : undefined;
  const ttlError = ttl.trim() !== '' && !isIsoDuration(ttl) ? 'An ISO-8601 duration, e.g. PT1H or P7D' : undefined;
  const valid = key !== '' && !keyError && !ttlError && parsed.ok;

  const save = async () => {
    if (!parsed.ok) return;
    setBusy(true);
    setError(undefined);
    try {
      // Always JSON: a text body would turn the string "42" into the number 42.
      await api.put(`${base}/${encodeURIComponent(key)}`, JSON.stringify(parsed.value), { headers: { 'Content-Type': 'application/json', ...(ttl.trim() ? { ttl: ttl.trim() } : {}) } });
      onSaved(key);
    } catch (e) {
      setError(e);
    } finally {
      setBusy(false);
    }
  };

  return (
    <Dialog
      open
      onClose={onClose}
      title={kvKey ? `Edit ${kvKey}` : 'Add a key'}
      testId="kv-edit-dialog"
      footer={
        <>
          <button type="button" className="btn" onClick={onClose}>
            Cancel
          </button>
          <button type="button" className="btn btn--primary" onClick={() => void save()} disabled={!valid || busy} data-testid="kv-save">
            Save
          </button>
        </>
      }
    >
      <ErrorBanner error={error ?? existing.error} />
      {kvKey && existing.loading ? (
        <Loading />
      ) : (
        <>
          <label className="field">
            <span>Key</span>
            <input value={key} onChange={(e) => setKey(e.target.value)} readOnly={kvKey !== undefined} required data-testid="kv-key" />
            {keyError && <span className="error-text">{keyError}</span>}
          </label>
          <label className="field">
            <span>Type</span>
            <select value={current.type} onChange={(e) => setForm({ ...current, type: e.target.value as KvFormType })} data-testid="kv-type">
              {KV_TYPES.map((t) => (
                <option key={t} value={t}>
                  {t}
                </option>
              ))}
            </select>
          </label>
          <label className="field">
            <span>Value</span>
            {current.type === 'BOOLEAN' ? (
              <select value={current.text} onChange={(e) => setForm({ ...current, text: e.target.value })} data-testid="kv-value">
                <option value="">–</option>
                <option value="true">true</option>
                <option value="false">false</option>
              </select>
            ) : current.type === 'JSON' ? (
              <textarea rows={6} value={current.text} onChange={(e) => setForm({ ...current, text: e.target.value })} data-testid="kv-value" />
            ) : (
              <input value={current.text} onChange={(e) => setForm({ ...current, text: e.target.value })} data-testid="kv-value" />
            )}
            {!parsed.ok && current.text !== '' && <span className="error-text">{parsed.error}</span>}
          </label>
          <label className="field">
            <span>Time to live</span>
            <input value={ttl} onChange={(e) => setTtl(e.target.value)} placeholder="e.g. PT1H, P7D; empty: never expires" data-testid="kv-ttl" />
            {ttlError && <span className="error-text">{ttlError}</span>}
            {kvKey && <span className="field__hint">Saving sets a new expiry (or none) from now.</span>}
          </label>
        </>
      )}
    </Dialog>
  );
}
