import type { FlowInput } from '../../api/index.js';

export type ResumeValues = Record<string, string | boolean | File | undefined>;

/** Fields for a Pause task's `onResume` inputs, one per declared input, by type. */
export function ResumeForm({ inputs, values, onChange }: { inputs: FlowInput[]; values: ResumeValues; onChange: (values: ResumeValues) => void }) {
  const set = (id: string, value: string | boolean | File | undefined) => onChange({ ...values, [id]: value });
  return (
    <div className="resume-form">
      {inputs.map((input) => {
        const id = `resume-input-${input.id}`;
        const label = (
          <span className="field__label">
            {input.displayName ?? input.id}
            {input.required && <span aria-label="required"> *</span>}
            <span className="muted small"> {input.type}</span>
          </span>
        );
        const options = (input.values ?? input.options) as unknown[] | undefined;
        let control;
        if (input.type === 'BOOLEAN' || input.type === 'BOOL') {
          control = <input id={id} type="checkbox" checked={values[input.id] === true} onChange={(e) => set(input.id, e.target.checked)} data-testid={id} />;
        } else if (input.type === 'FILE') {
          control = <input id={id} type="file" onChange={(e) => set(input.id, e.target.files?.[0])} data-testid={id} />;
        } else if ((input.type === 'SELECT' || input.type === 'ENUM') && Array.isArray(options)) {
          control = (
            <select id={id} value={String(values[input.id] ?? '')} onChange={(e) => set(input.id, e.target.value)} data-testid={id}>
              <option value="">–</option>
              {options.map((o) => (
                <option key={String(o)} value={String(o)}>
                  {String(o)}
                </option>
              ))}
            </select>
          );
        } else if (input.type === 'JSON' || input.type === 'YAML' || input.type === 'ARRAY') {
          control = <textarea id={id} rows={4} value={String(values[input.id] ?? '')} onChange={(e) => set(input.id, e.target.value)} data-testid={id} />;
        } else {
          const type = input.type === 'INT' || input.type === 'FLOAT' ? 'number' : input.type === 'SECRET' ? 'password' : 'text';
          control = <input id={id} type={type} step={input.type === 'FLOAT' ? 'any' : undefined} value={String(values[input.id] ?? '')} onChange={(e) => set(input.id, e.target.value)} data-testid={id} />;
        }
        return (
          <label key={input.id} className="field" htmlFor={id}>
            {label}
            {control}
            {input.description && <span className="muted small">{input.description}</span>}
          </label>
        );
      })}
    </div>
  );
}

/** Initial values from the declared defaults. */
export function initialResumeValues(inputs: FlowInput[]): ResumeValues {
  const values: ResumeValues = {};
  for (const input of inputs) {
    if (input.defaults === undefined || input.defaults === null) continue;
    values[input.id] = typeof input.defaults === 'boolean' ? input.defaults : typeof input.defaults === 'object' ? JSON.stringify(input.defaults) : String(input.defaults);
  }
  return values;
}

/** The request body: JSON, or multipart when a file is attached. Empty fields are left out. */
export function resumeBody(values: ResumeValues): object | FormData {
  const entries = Object.entries(values).filter(([, v]) => v !== undefined && v !== '');
  if (!entries.some(([, v]) => v instanceof File)) return Object.fromEntries(entries);
  const form = new FormData();
  for (const [key, value] of entries) form.append(key, value instanceof File ? value : String(value));
  return form;
}

