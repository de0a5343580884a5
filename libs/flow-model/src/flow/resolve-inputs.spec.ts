import { describe, expect, it } from '@jest/globals';
import type { FlowInput } from './flow.js';
import { InputValidationError, resolveInputs } from './resolve-inputs.js';

const flowWith = (...inputs: Partial<FlowInput>[]) => ({
  inputs: inputs.map((i) => ({ required: true, ...i }) as FlowInput),
});

function problems(flow: { inputs: FlowInput[] }, given: Record<string, unknown>) {
  try {
    resolveInputs(flow, given);
  } catch (error) {
    if (error instanceof InputValidationError) return error.violations;
    throw error;
  }
  throw new Error('expected the inputs to be rejected');
}

describe('resolveInputs', () => {
  describe('SELECT and MULTISELECT expression', () => {
    const lists: Record<string, unknown> = { colors: ['red', null, 'green', 3], nothing: null, text: 'red' };
    const evaluate = (expression: string) => {
      if (!(expression in lists)) throw new Error(`'${expression}' is undefined`);
      return lists[expression];
    };
    const flow = flowWith({ id: 'one', type: 'SELECT', expression: 'colors' }, { id: 'many', type: 'MULTISELECT', expression: 'colors' });

    it('takes the allowed values from the evaluated list, dropping nulls and making text of the rest', () => {
      expect(resolveInputs(flow, { one: 'green', many: ['red', '3'] }, { evaluate })).toEqual({ one: 'green', many: ['red', '3'] });
    });

    it('refuses a value the expression does not list', () => {
      try {
        resolveInputs(flow, { one: 'blue', many: ['red', 'pink'] }, { evaluate });
        throw new Error('expected the inputs to be rejected');
      } catch (error) {
        expect((error as InputValidationError).violations).toEqual([
          { input: 'one', message: "'blue' is not one of the values [red, green, 3]" },
          { input: 'many', message: "'pink' is not one of the values [red, green, 3]" },
        ]);
      }
    });

    it('names an expression that fails, that gives no list, or that cannot be evaluated', () => {
      const broken = flowWith({ id: 'a', type: 'SELECT', expression: 'missing' }, { id: 'b', type: 'SELECT', expression: 'text' }, { id: 'c', type: 'SELECT', expression: 'nothing' });
      try {
        resolveInputs(broken, { a: 'x', b: 'x', c: 'x' }, { evaluate });
        throw new Error('expected the inputs to be rejected');
      } catch (error) {
        expect((error as InputValidationError).violations).toEqual([
          { input: 'a', message: "Cannot render 'expression'. Cause: 'missing' is undefined" },
          { input: 'b', message: 'Invalid expression result. Expected a list of strings, but received string' },
          { input: 'c', message: 'Invalid expression result. Expected a list of strings, but received <null>' },
        ]);
      }
      expect(problems(flowWith({ id: 'a', type: 'SELECT', expression: 'colors' }), { a: 'red' })).toEqual([
        { input: 'a', message: "its 'expression' cannot be evaluated here" },
      ]);
    });
  });

  it('converts text from a form or command line to the declared types', () => {
    const flow = flowWith(
      { id: 's', type: 'STRING' },
      { id: 'i', type: 'INT' },
      { id: 'f', type: 'FLOAT' },
      { id: 'b', type: 'BOOLEAN' },
      { id: 'b2', type: 'BOOL' },
      { id: 'dt', type: 'DATETIME' },
      { id: 'd', type: 'DATE' },
      { id: 't', type: 'TIME' },
      { id: 'dur', type: 'DURATION' },
      { id: 'j', type: 'JSON' },
      { id: 'y', type: 'YAML' },
      { id: 'u', type: 'URI' },
      { id: 'file', type: 'FILE' },
      { id: 'e', type: 'EMAIL' },
      { id: 'sec', type: 'SECRET' },
    );
    expect(
      resolveInputs(flow, {
        s: 'text',
        i: '42',
        f: '4.5',
        b: 'true',
        b2: 'FALSE',
        dt: '2024-01-31T10:00:00+01:00',
        d: '2024-02-29',
        t: '10:15:00',
        dur: 'PT1H',
        j: '{"a": [1, 2]}',
        y: 'a: 1\nb: [x]',
        u: 'https://kestra.io/docs',
        file: 'kestra:///ns/flow/executions/e/inputs/file/data.csv',
        e: 'me@example.com',
        sec: 'hunter2',
        undeclared: 'dropped',
      }),
    ).toEqual({
      s: 'text',
      i: 42,
      f: 4.5,
      b: true,
      b2: false,
      dt: '2024-01-31T09:00:00Z',
      d: '2024-02-29',
      t: '10:15',
      dur: 'PT1H',
      j: { a: [1, 2] },
      y: { a: 1, b: ['x'] },
      u: 'https://kestra.io/docs',
      file: 'kestra:///ns/flow/executions/e/inputs/file/data.csv',
      e: 'me@example.com',
      sec: 'hunter2',
    });
  });

  it('keeps values that are already typed', () => {
    const flow = flowWith({ id: 'i', type: 'INT' }, { id: 'b', type: 'BOOLEAN' }, { id: 'j', type: 'JSON' }, { id: 'a', type: 'ARRAY', itemType: 'INT' });
    expect(resolveInputs(flow, { i: 7, b: false, j: { x: 1 }, a: [1, '2'] })).toEqual({ i: 7, b: false, j: { x: 1 }, a: [1, 2] });
  });

  it('prints DATETIME like Java Instant.toString, keeping sub-second digits', () => {
    const flow = flowWith({ id: 'dt', type: 'DATETIME' });
    expect(resolveInputs(flow, { dt: '2024-01-31T10:00:00.500Z' }).dt).toBe('2024-01-31T10:00:00.500Z');
    expect(resolveInputs(flow, { dt: '2024-01-31T10:00:00.123456Z' }).dt).toBe('2024-01-31T10:00:00.123456Z');
    expect(problems(flow, { dt: '2024-01-31 10:00' })[0]!.message).toMatch(/expected DATETIME/);
    expect(problems(flow, { dt: '2024-01-31T10:00:00' })[0]!.message).toMatch(/expected DATETIME/); // no zone
  });

  it('applies defaults to missing inputs and leaves template defaults unrendered', () => {
    const flow = flowWith(
      { id: 'n', type: 'INT', defaults: '5' },
      { id: 'when', type: 'DATETIME', defaults: '{{ now() }}' },
      { id: 'opt', type: 'STRING', required: false },
    );
    expect(resolveInputs(flow, {})).toEqual({ n: 5, when: '{{ now() }}', opt: null });
    expect(resolveInputs(flow, { n: '6' }).n).toBe(6);
  });

  it('reports missing required inputs unless the caller skips that check', () => {
    const flow = flowWith({ id: 'a', type: 'STRING' }, { id: 'b', type: 'INT' });
    expect(problems(flow, { a: 'x' })).toEqual([{ input: 'b', message: 'missing required input' }]);
    expect(resolveInputs(flow, {}, { skipRequiredCheck: true })).toEqual({ a: null, b: null });
  });

  it('lists every bad input in one error whose message names each', () => {
    const flow = flowWith({ id: 'i', type: 'INT' }, { id: 'b', type: 'BOOLEAN' }, { id: 'r', type: 'STRING' });
    let error: InputValidationError | undefined;
    try {
      resolveInputs(flow, { i: 'x', b: 'maybe' });
    } catch (e) {
      error = e as InputValidationError;
    }
    expect(error).toBeInstanceOf(InputValidationError);
    expect(error!.violations.map((v) => v.input)).toEqual(['i', 'b', 'r']);
    expect(error!.message).toMatch(/- i: expected INT but received 'x'/);
    expect(error!.message).toMatch(/- b: expected BOOLEAN/);
    expect(error!.message).toMatch(/- r: missing required input/);
  });

  it('checks STRING validator as a whole-text match, and lengths', () => {
    const flow = flowWith({ id: 's', type: 'STRING', validator: '[a-z]+', maxLength: 5 });
    expect(resolveInputs(flow, { s: 'abc' }).s).toBe('abc');
    expect(problems(flow, { s: 'abc1' })[0]!.message).toBe('it must match the pattern `[a-z]+`');
    expect(problems(flow, { s: 'abcdef' })[0]!.message).toMatch(/at most 5/);
  });

  it('checks INT and FLOAT min/max, and the INT range', () => {
    const flow = flowWith({ id: 'i', type: 'INT', min: 1, max: 10 }, { id: 'f', type: 'FLOAT', min: 0.5 });
    expect(problems(flow, { i: '0', f: '0.1' }).map((v) => v.message)).toEqual(['it must be at least 1', 'it must be at least 0.5']);
    expect(problems(flow, { i: '11', f: 1 })[0]!.message).toBe('it must be at most 10');
    expect(problems(flowWith({ id: 'i', type: 'INT' }), { i: '3000000000' })[0]!.message).toMatch(/out of the INT range/);
    expect(problems(flowWith({ id: 'i', type: 'INT' }), { i: 1.5 })[0]!.message).toMatch(/expected INT/);
  });

  it('checks DATETIME, DATE and TIME after/before, and DURATION min/max', () => {
    const flow = flowWith(
      { id: 'dt', type: 'DATETIME', after: '2024-01-01T00:00:00Z' },
      { id: 'd', type: 'DATE', before: '2024-12-31' },
      { id: 't', type: 'TIME', after: '08:00', before: '18:00' },
      { id: 'dur', type: 'DURATION', max: 'PT1H' },
    );
    expect(resolveInputs(flow, { dt: '2024-06-01T00:00:00Z', d: '2024-06-01', t: '12:00', dur: 'PT30M' })).toBeDefined();
    expect(problems(flow, { dt: '2023-06-01T00:00:00Z', d: '2025-01-01', t: '07:59', dur: 'P1D' }).map((v) => v.message)).toEqual([
      'it must be after 2024-01-01T00:00:00Z',
      'it must be before 2024-12-31',
      'it must be after 08:00',
      'it must be at most PT1H',
    ]);
  });

  it('rejects impossible dates and times', () => {
    const flow = flowWith({ id: 'd', type: 'DATE' }, { id: 't', type: 'TIME' }, { id: 'dur', type: 'DURATION' });
    expect(problems(flow, { d: '2023-02-29', t: '25:00', dur: '1h' }).map((v) => v.input)).toEqual(['d', 't', 'dur']);
  });

  it('checks SELECT, ENUM and MULTISELECT values', () => {
    const flow = flowWith(
      { id: 'sel', type: 'SELECT', values: ['A', 'B'] },
      { id: 'en', type: 'ENUM', values: ['X'] },
      { id: 'multi', type: 'MULTISELECT', values: ['A', 'B', 'C'] },
      { id: 'custom', type: 'SELECT', values: ['A'], allowCustomValue: true },
    );
    expect(resolveInputs(flow, { sel: 'A', en: 'X', multi: '["A","C"]', custom: 'Z' })).toEqual({
      sel: 'A',
      en: 'X',
      multi: ['A', 'C'],
      custom: 'Z',
    });
    expect(problems(flow, { sel: 'C', en: 'Y', multi: ['A', 'D'], custom: 'Z' }).map((v) => [v.input, v.message])).toEqual([
      ['sel', "'C' is not one of the values [A, B]"],
      ['en', "'Y' is not one of the values [X]"],
      ['multi', "'D' is not one of the values [A, B, C]"],
    ]);
  });

  it('reads allowCustomValue given as the text "true", as Kestra does', () => {
    const flow = flowWith({ id: 'custom', type: 'SELECT', values: ['A'], allowCustomValue: 'true' });
    expect(resolveInputs(flow, { custom: 'Z' })).toEqual({ custom: 'Z' });
  });

  it('parses ARRAY items with their itemType', () => {
    const flow = flowWith({ id: 'a', type: 'ARRAY', itemType: 'INT' });
    expect(resolveInputs(flow, { a: '[1, "2"]' }).a).toEqual([1, 2]);
    expect(problems(flow, { a: '[1, "x"]' })[0]!.message).toMatch(/unable to parse array element 'x' as INT/);
    expect(problems(flow, { a: 'not json' })[0]!.message).toMatch(/expected ARRAY/);
  });

  it('rejects bad JSON, URI and EMAIL values', () => {
    const flow = flowWith({ id: 'j', type: 'JSON' }, { id: 'u', type: 'URI' }, { id: 'e', type: 'EMAIL' });
    expect(problems(flow, { j: '{oops', u: 'not a uri', e: 'nobody' }).map((v) => v.input)).toEqual(['j', 'u', 'e']);
  });

  it('nests inputs whose ids contain dots, as Kestra does', () => {
    const flow = flowWith({ id: 'request.name', type: 'STRING' }, { id: 'request.days', type: 'INT' });
    expect(resolveInputs(flow, { 'request.name': 'Rick', 'request.days': '3' })).toEqual({ request: { name: 'Rick', days: 3 } });
  });
});
