import { isIsoDuration, kvFormOf, parseKvInput } from './kv-value.js';

describe('parseKvInput', () => {
  it('keeps strings as typed, even when they look like numbers', () => {
    expect(parseKvInput('STRING', '42')).toEqual({ ok: true, value: '42' });
  });

  it('reads numbers and booleans, refusing other text', () => {
    expect(parseKvInput('NUMBER', ' 3.5 ')).toEqual({ ok: true, value: 3.5 });
    expect(parseKvInput('NUMBER', 'abc').ok).toBe(false);
    expect(parseKvInput('NUMBER', '').ok).toBe(false);
    expect(parseKvInput('BOOLEAN', 'false')).toEqual({ ok: true, value: false });
    expect(parseKvInput('BOOLEAN', 'yes').ok).toBe(false);
  });

  it('parses JSON and says why it cannot', () => {
    expect(parseKvInput('JSON', '{"a":[1,2]}')).toEqual({ ok: true, value: { a: [1, 2] } });
    const bad = parseKvInput('JSON', '{a:1}');
    expect(bad.ok).toBe(false);
    expect(!bad.ok && bad.error).toMatch(/^Not JSON/);
  });
});

describe('kvFormOf', () => {
  it('edits each stored type in the matching form type', () => {
    expect(kvFormOf('NUMBER', 7)).toEqual({ type: 'NUMBER', text: '7' });
    expect(kvFormOf('BOOLEAN', true)).toEqual({ type: 'BOOLEAN', text: 'true' });
    expect(kvFormOf('DATETIME', '2026-01-01T00:00:00Z')).toEqual({ type: 'STRING', text: '2026-01-01T00:00:00Z' });
    expect(kvFormOf('JSON', { a: 1 })).toEqual({ type: 'JSON', text: '{\n  "a": 1\n}' });
  });
});

describe('isIsoDuration', () => {
  it.each(['PT1H', 'P7D', 'PT30M', 'P1DT2H', 'PT0.5S'])('accepts %s', (text) => expect(isIsoDuration(text)).toBe(true));
  it.each(['1h', 'P', 'PT', 'PT1X', ''])('refuses %s', (text) => expect(isIsoDuration(text)).toBe(false));
});
