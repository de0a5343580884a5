import type { FlowInput } from '../../api/types.js';

/** What the user entered for one input: text, a list (multi-select), a checkbox, a file, or nothing. */
export type InputValue = string | string[] | boolean | File | undefined;

export function inputId(input: FlowInput): string {
  return String(input.id ?? (input as { name?: string }).name ?? '');
}

/** Kestra inputs are required unless `required: false`; a default makes them optional to fill. */
export function isRequired(input: FlowInput): boolean {
  return input.required !== false && input.defaults === undefined;
}

/** The choices of a SELECT, ENUM or MULTISELECT input. */
export function choices(input: FlowInput): string[] {
  const list = Array.isArray(input.values) ? input.values : Array.isArray(input.options) ? input.options : [];
  return list.map((v) => (typeof v === 'string' ? v : JSON.stringify(v)));
}

/** A literal default shown in the field (expressions are left to the server, which renders them). */
export function literalDefault(input: FlowInput): string | undefined {
  const value = input.defaults;
  if (value === undefined || value === null) return undefined;
  if (typeof value === 'string') return value.includes('{{') ? undefined : value;
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  return JSON.stringify(value, null, 2);
}

/** Initial form values: booleans from their defaults, multi-selects from a default list; others start empty. */
export function initialValues(inputs: FlowInput[]): Record<string, InputValue> {
  const values: Record<string, InputValue> = {};
  for (const input of inputs) {
    const id = inputId(input);
    if (input.type === 'BOOLEAN' || input.type === 'BOOL') values[id] = input.defaults === true || input.defaults === 'true';
    else if (input.type === 'MULTISELECT' && Array.isArray(input.defaults)) values[id] = input.defaults.map(String);
    else values[id] = undefined;
  }
  return values;
}

/** A `datetime-local` value (local time, no zone) as the ISO instant the API expects. */
export function localDateTimeToIso(value: string): string {
  const date = new Date(value);
  return Number.isNaN(date.getTime()) ? value : date.toISOString();
}

/**
 * The multipart body of `POST /api/v1/executions/{namespace}/{id}`: one text field per filled input (lists as
 * JSON, date-times as ISO instants), one file part per FILE input. Inputs left empty are not sent, so the
 * server applies their defaults (and renders default expressions).
 */
export function inputsFormData(inputs: FlowInput[], values: Record<string, InputValue>): FormData {
  const form = new FormData();
  for (const input of inputs) {
    const id = inputId(input);
    const value = values[id];
    if (value === undefined || value === '') continue;
    if (typeof File !== 'undefined' && value instanceof File) form.append(id, value, value.name);
    else if (Array.isArray(value)) form.append(id, JSON.stringify(value));
    else if (typeof value === 'boolean') form.append(id, String(value));
    else if (input.type === 'DATETIME') form.append(id, localDateTimeToIso(value as string));
    else form.append(id, value as string);
  }
  return form;
}

/** Inputs that are required and still empty: the dialog says so before sending. */
export function missingInputs(inputs: FlowInput[], values: Record<string, InputValue>): string[] {
  return inputs
    .filter((input) => isRequired(input) && input.type !== 'BOOLEAN' && input.type !== 'BOOL')
    .map(inputId)
    .filter((id) => {
      const value = values[id];
      return value === undefined || value === '' || (Array.isArray(value) && value.length === 0);
    });
}
