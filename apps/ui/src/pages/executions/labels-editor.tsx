import { useState } from 'react';
import { api, type Execution, type Label } from '../../api/index.js';
import { Dialog, ErrorBanner, LabelsView, toast } from '../../components/index.js';

/** Labels starting with this are the system's own; the API keeps them whatever is sent. */
const SYSTEM_PREFIX = 'system.';

/** The execution's labels with an Edit dialog that POSTs the new set. */
export function LabelsEditor({ execution, onSaved }: { execution: Execution; onSaved: (execution: Execution) => void }) {
  const [open, setOpen] = useState(false);
  const [rows, setRows] = useState<Label[]>([]);
  const [error, setError] = useState<unknown>();
  const [busy, setBusy] = useState(false);
  const edit = () => {
    setRows([...execution.labels.filter((l) => !l.key.startsWith(SYSTEM_PREFIX)), { key: '', value: '' }]);
    setError(undefined);
    setOpen(true);
  };
  const save = async () => {
    setBusy(true);
    try {
      const labels = rows.map((r) => ({ key: r.key.trim(), value: r.value.trim() })).filter((r) => r.key !== '');
      const updated = await api.post<Execution>(`/api/v1/executions/${encodeURIComponent(execution.id)}/labels`, labels);
      onSaved(updated);
      setOpen(false);
      toast('Labels saved', 'success');
    } catch (e) {
      setError(e);
    } finally {
      setBusy(false);
    }
  };
  const update = (i: number, change: Partial<Label>) => setRows(rows.map((r, j) => (j === i ? { ...r, ...change } : r)));
  return (
    <span className="labels-editor">
      {execution.labels.length === 0 ? <span className="muted">No labels</span> : <LabelsView labels={execution.labels} />}
      <button type="button" className="btn btn--small btn--ghost" onClick={edit} data-testid="edit-labels">
        Edit labels
      </button>
      <Dialog
        open={open}
        onClose={() => setOpen(false)}
        title="Labels of this execution"
        testId="labels-dialog"
        footer={
          <>
            <button type="button" className="btn" onClick={() => setOpen(false)}>
              Cancel
            </button>
            <button type="button" className="btn btn--primary" onClick={() => void save()} disabled={busy} data-testid="labels-save">
              Save
            </button>
          </>
        }
      >
        <ErrorBanner error={error} />
        <div className="labels-editor__rows">
          {rows.map((row, i) => (
            <div key={i} className="labels-editor__row">
              <input aria-label="Label key" placeholder="key" value={row.key} onChange={(e) => update(i, { key: e.target.value })} data-testid="label-key" />
              <input aria-label="Label value" placeholder="value" value={row.value} onChange={(e) => update(i, { value: e.target.value })} data-testid="label-value" />
              <button type="button" className="btn btn--small btn--ghost" onClick={() => setRows(rows.filter((_, j) => j !== i))} aria-label={`Remove label ${row.key}`}>
                Remove
              </button>
            </div>
          ))}
        </div>
        <button type="button" className="btn btn--small" onClick={() => setRows([...rows, { key: '', value: '' }])}>
          Add a label
        </button>
        <p className="muted small">System labels ({SYSTEM_PREFIX}…) are kept as they are.</p>
      </Dialog>
    </span>
  );
}
