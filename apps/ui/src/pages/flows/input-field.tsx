import type { FlowInput } from '../../api/index.js';
import { choices, inputId, isRequired, literalDefault, type InputValue } from './input-form.js';

/** One form field per input type; the default is shown as a placeholder (the server applies it when left empty). */
export function InputField({ input, value, onChange }: { input: FlowInput; value: InputValue; onChange: (value: InputValue) => void }) {
  const id = inputId(input);
  const fieldId = `input-${id}`;
  const required = isRequired(input);
  const fallback = literalDefault(input);
  const placeholder = fallback !== undefined ? `default: ${fallback}` : input.defaults !== undefined ? `default: ${String(input.defaults)}` : undefined;
  const text = typeof value === 'string' ? value : '';
  const common = { id: fieldId, 'data-testid': fieldId, required, 'aria-describedby': input.description ? `${fieldId}-hint` : undefined };
  let control;
  switch (input.type) {
    case 'INT':
      control = <input {...common} type="number" step={1} min={input.min as number | undefined} max={input.max as number | undefined} value={text} placeholder={placeholder} onChange={(e) => onChange(e.target.value)} />;
      break;
    case 'FLOAT':
      control = <input {...common} type="number" step="any" value={text} placeholder={placeholder} onChange={(e) => onChange(e.target.value)} />;
      break;
    case 'BOOLEAN':
    case 'BOOL':
      control = <input {...common} required={false} type="checkbox" checked={value === true} onChange={(e) => onChange(e.target.checked)} />;
      break;
    case 'SELECT':
    case 'ENUM':
      if (input.allowCustomValue) {
        control = (
          <>
            <input {...common} list={`${fieldId}-list`} value={text} placeholder={placeholder} onChange={(e) => onChange(e.target.value)} />
            <datalist id={`${fieldId}-list`}>
              {choices(input).map((c) => (
                <option key={c} value={c} />
              ))}
            </datalist>
          </>
        );
      } else {
        control = (
          <select {...common} value={text} onChange={(e) => onChange(e.target.value)}>
            <option value="">{placeholder ?? '— choose —'}</option>
            {choices(input).map((c) => (
              <option key={c} value={c}>
                {c}
              </option>
            ))}
          </select>
        );
      }
      break;
    case 'MULTISELECT': {
      const selected = Array.isArray(value) ? value : [];
      control = (
        <div className="checkbox-list" role="group" aria-labelledby={`${fieldId}-label`} data-testid={fieldId}>
          {choices(input).map((c) => (
            <label key={c} className="field--inline">
              <input type="checkbox" checked={selected.includes(c)} onChange={(e) => onChange(e.target.checked ? [...selected, c] : selected.filter((s) => s !== c))} />
              {c}
            </label>
          ))}
        </div>
      );
      break;
    }
    case 'DATE':
      control = <input {...common} type="date" value={text} onChange={(e) => onChange(e.target.value)} />;
      break;
    case 'DATETIME':
      control = <input {...common} type="datetime-local" step={1} value={text} onChange={(e) => onChange(e.target.value)} />;
      break;
    case 'TIME':
      control = <input {...common} type="time" step={1} value={text} onChange={(e) => onChange(e.target.value)} />;
      break;
    case 'DURATION':
      control = <input {...common} value={text} placeholder={placeholder ?? 'PT5M'} pattern="P.*" onChange={(e) => onChange(e.target.value)} />;
      break;
    case 'JSON':
    case 'YAML':
    case 'ARRAY':
      control = <textarea {...common} rows={4} value={text} placeholder={placeholder ?? (input.type === 'ARRAY' ? '["a", "b"]' : undefined)} onChange={(e) => onChange(e.target.value)} />;
      break;
    case 'FILE':
      control = <input {...common} type="file" accept={typeof input.extension === 'string' ? input.extension : undefined} onChange={(e) => onChange(e.target.files?.[0])} />;
      break;
    case 'SECRET':
      control = <input {...common} type="password" autoComplete="off" value={text} onChange={(e) => onChange(e.target.value)} />;
      break;
    case 'EMAIL':
      control = <input {...common} type="email" value={text} placeholder={placeholder} onChange={(e) => onChange(e.target.value)} />;
      break;
    case 'URI':
      control = <input {...common} type="url" value={text} placeholder={placeholder} onChange={(e) => onChange(e.target.value)} />;
      break;
    default:
      control = <input {...common} value={text} placeholder={placeholder} onChange={(e) => onChange(e.target.value)} />;
  }
  return (
    <div className={input.type === 'BOOLEAN' || input.type === 'BOOL' ? 'field field--inline' : 'field'}>
      <label htmlFor={fieldId} id={`${fieldId}-label`}>
        {input.displayName ?? id}
        {required && (
          <span className="field__required" aria-label="required">
            *
          </span>
        )}
        <span className="field__type">{input.type}</span>
      </label>
      {control}
      {input.description && (
        <span className="field__hint" id={`${fieldId}-hint`}>
          {input.description}
        </span>
      )}
    </div>
  );
}
