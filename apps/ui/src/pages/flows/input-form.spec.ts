import type { FlowInput } from '../../api/types.js';
import { choices, initialValues, inputsFormData, isRequired, literalDefault, missingInputs } from './input-form.js';

const INPUTS: FlowInput[] = [
  { id: 'name', type: 'STRING' },
  { id: 'count', type: 'INT', defaults: 3 },
  { id: 'flag', type: 'BOOLEAN', defaults: true },
  { id: 'colours', type: 'MULTISELECT', values: ['red', 'green'] },
  { id: 'when', type: 'DATETIME', required: false },
  { id: 'data', type: 'FILE' },
  { id: 'greeting', type: 'STRING', defaults: '{{ now() }}' },
];

describe('execute form', () => {
  it('marks inputs without default and not required:false as required', () => {
    expect(INPUTS.filter(isRequired).map((i) => i.id)).toEqual(['name', 'colours', 'data']);
  });

  it('shows literal defaults and leaves expressions to the server', () => {
    expect(literalDefault(INPUTS[1]!)).toBe('3');
    expect(literalDefault(INPUTS[6]!)).toBeUndefined();
    expect(choices(INPUTS[3]!)).toEqual(['red', 'green']);
  });

  it('starts booleans from their default', () => {
    expect(initialValues(INPUTS)).toMatchObject({ flag: true, name: undefined });
  });

  it('sends filled inputs only: lists as JSON, date-times as ISO, files as parts', async () => {
    const file = new File(['a,b\n'], 'data.csv', { type: 'text/csv' });
    const form = inputsFormData(INPUTS, { name: 'Ada', flag: false, colours: ['red'], when: '2026-01-02T03:04', data: file, count: '' });
    expect([...form.keys()]).toEqual(['name', 'flag', 'colours', 'when', 'data']);
    expect(form.get('colours')).toBe('["red"]');
    expect(form.get('flag')).toBe('false');
    expect(form.get('when')).toBe(new Date('2026-01-02T03:04').toISOString());
    const part = form.get('data') as File;
    expect(part.name).toBe('data.csv');
    expect(await part.text()).toBe('a,b\n');
  });

  it('lists the required inputs left empty', () => {
    expect(missingInputs(INPUTS, { name: 'x', colours: [] })).toEqual(['colours', 'data']);
  });
});
