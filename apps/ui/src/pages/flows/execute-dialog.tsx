import { useState, type FormEvent } from 'react';
import { useNavigate } from 'react-router';
import { api, type Execution, type Flow } from '../../api/index.js';
import { Dialog, ErrorBanner, toast } from '../../components/index.js';
import { InputField } from './input-field.js';
import { initialValues, inputId, inputsFormData, missingInputs, type InputValue } from './input-form.js';
import { parseLabelFilter } from './labels-param.js';

/** Execute a flow: a form from its inputs (files too), sent as multipart; then the execution's page. */
export function ExecuteDialog({ flow, open, onClose }: { flow: Flow; open: boolean; onClose: () => void }) {
  const inputs = flow.inputs ?? [];
  const navigate = useNavigate();
  const [values, setValues] = useState<Record<string, InputValue>>(() => initialValues(inputs));
  const [labels, setLabels] = useState('');
  const [error, setError] = useState<unknown>();
  const [busy, setBusy] = useState(false);

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    const missing = missingInputs(inputs, values);
    if (missing.length > 0) {
      setError(new Error(`Fill in the required input${missing.length > 1 ? 's' : ''}: ${missing.join(', ')}`));
      return;
    }
    setBusy(true);
    setError(undefined);
    try {
      const execution = await api.upload<Execution>(`/api/v1/executions/${encodeURIComponent(flow.namespace)}/${encodeURIComponent(flow.id)}`, inputsFormData(inputs, values), {
        query: { labels: parseLabelFilter(labels) },
      });
      toast(`Execution ${execution.id} created`, 'success');
      onClose();
      void navigate(`/executions/${encodeURIComponent(execution.id)}`);
    } catch (e) {
      setError(e);
    } finally {
      setBusy(false);
    }
  };

  return (
    <Dialog
      open={open}
      onClose={onClose}
      title={`Execute ${flow.namespace}.${flow.id}`}
      testId="execute-dialog"
      footer={
        <>
          <button type="button" className="btn" onClick={onClose}>
            Cancel
          </button>
          <button type="submit" form="execute-form" className="btn btn--primary" disabled={busy || flow.disabled} data-testid="execute-submit">
            {busy ? 'Starting…' : 'Execute'}
          </button>
        </>
      }
    >
      <form id="execute-form" onSubmit={(e) => void submit(e)} noValidate>
        {flow.disabled && <p className="error-text">This flow is disabled: enable it before executing it.</p>}
        {inputs.length === 0 && <p className="muted">This flow has no inputs.</p>}
        {inputs.map((input) => {
          const id = inputId(input);
          return <InputField key={id} input={input} value={values[id]} onChange={(value) => setValues((v) => ({ ...v, [id]: value }))} />;
        })}
        <label className="field">
          <span>Labels</span>
          <input value={labels} onChange={(e) => setLabels(e.target.value)} placeholder="key:value, key:value" data-testid="execute-labels" />
          <span className="field__hint">Optional, added to the execution.</span>
        </label>
        <ErrorBanner error={error} title="Not started" />
      </form>
    </Dialog>
  );
}
