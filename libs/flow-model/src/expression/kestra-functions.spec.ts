import { createDecipheriv } from 'node:crypto';
import { ExpressionError, evaluateExpression, renderTemplate, type RenderOptions } from './index.js';
import { fromIonText, readIonValues, toIonText } from './ion-text.js';

const KEY = Buffer.alloc(32, 7).toString('base64');
const flowVars = { flow: { namespace: 'company.team', id: 'f' } };

function failure(template: string, variables: Record<string, unknown> = {}, options: RenderOptions = {}): string {
  try {
    renderTemplate(template, variables, options);
  } catch (error) {
    if (error instanceof ExpressionError) return error.message;
    throw error;
  }
  throw new Error(`expected '${template}' to fail`);
}

describe('encrypt() and decrypt()', () => {
  it('round-trips a text through AES-GCM with a base64 key', () => {
    const encrypted = renderTemplate("{{ encrypt(key, 'my secret') }}", { key: KEY });
    expect(encrypted).not.toContain('my secret');
    expect(renderTemplate('{{ decrypt(key, e) }}', { key: KEY, e: encrypted })).toBe('my secret');
  });

  it('writes the IV, the cipher text and the tag in one base64 text (the layout Kestra reads)', () => {
    const bytes = Buffer.from(renderTemplate("{{ encrypt(key, 'abc') }}", { key: KEY }), 'base64');
    expect(bytes.length).toBe(12 + 3 + 16);
    const decipher = createDecipheriv('aes-256-gcm', Buffer.from(KEY, 'base64'), bytes.subarray(0, 12));
    decipher.setAuthTag(bytes.subarray(bytes.length - 16));
    expect(Buffer.concat([decipher.update(bytes.subarray(12, bytes.length - 16)), decipher.final()]).toString()).toBe('abc');
  });

  it('refuses a key of the wrong size and a text encrypted with another key, naming the function', () => {
    expect(failure("{{ encrypt('c2hvcnQ=', 'x') }}")).toMatch(/encrypt.*16, 24 or 32 bytes/s);
    const encrypted = renderTemplate("{{ encrypt(key, 'abc') }}", { key: KEY });
    expect(failure('{{ decrypt(other, e) }}', { other: Buffer.alloc(32, 1).toString('base64'), e: encrypted })).toMatch(/cannot be decrypted/);
    expect(failure("{{ encrypt('k') }}")).toMatch(/'encrypt' function expects two arguments 'key' and 'plaintext'/);
  });

  it('takes its IV from the injected id source when there is one, a random one otherwise', () => {
    const encrypt = (uuid?: () => string) => renderTemplate("{{ encrypt(key, 'abc') }}", { key: KEY }, uuid ? { uuid } : {});
    expect(encrypt(() => 'tr-1')).toBe(encrypt(() => 'tr-1'));
    expect(encrypt(() => 'tr-1')).not.toBe(encrypt(() => 'tr-2'));
    expect(encrypt()).not.toBe(encrypt());
  });
});

describe('ids', () => {
  it('id() is a 22-character base62 id, derived from the injected id source when there is one', () => {
    expect(renderTemplate('{{ id() }}', {})).toMatch(/^[0-9A-Za-z]{22}$/);
    expect(renderTemplate('{{ id() }}', {})).not.toBe(renderTemplate('{{ id() }}', {}));
    // The executor's ids are not UUIDs: any id text will do.
    const from = (id: string) => renderTemplate('{{ id() }}', {}, { uuid: () => id });
    expect(from('tr-1')).toMatch(/^[0-9A-Za-z]{22}$/);
    expect(from('tr-1')).toBe(from('tr-1'));
    expect(from('tr-1')).not.toBe(from('tr-2'));
  });

  it('ksuid() starts with the seconds since the KSUID epoch and sorts by time', () => {
    const at = (iso: string) => renderTemplate('{{ ksuid() }}', {}, { uuid: () => 'same-id', now: () => new Date(iso) });
    expect(at('2014-05-13T16:53:20Z').slice(0, 6)).toBe('000000');
    expect(at('2024-01-01T00:00:00Z') < at('2025-01-01T00:00:00Z')).toBe(true);
    expect(at('2024-01-01T00:00:00Z')).toBe(at('2024-01-01T00:00:00Z'));
    expect(renderTemplate('{{ ksuid() }}', {})).toMatch(/^[0-9A-Za-z]{27}$/);
  });

  it('nanoId() honours length and alphabet', () => {
    expect(renderTemplate('{{ nanoId() }}', {})).toMatch(/^[-_0-9A-Za-z]{21}$/);
    expect(renderTemplate("{{ nanoId(length=8, alphabet='ab') }}", {})).toMatch(/^[ab]{8}$/);
  });
});

describe('ION', () => {
  it('toIon writes structs with symbol field names, strings, ints, floats and nulls', () => {
    expect(renderTemplate('{{ v | toIon }}', { v: { a: 1, 'b c': 'x"y', d: [true, null, 1.5], e: {} } })).toBe(`{a:1,'b c':"x\\"y",d:[true,null,1.5e0],e:{}}`);
    expect(renderTemplate('{{ null | toIon }}', {})).toBe('null');
  });

  it('fromIon reads what toIon writes, and the first value of a text of several', () => {
    const value = { a: 1, 'b c': 'x"y\n', d: [true, null, 1.5], e: { f: -3 } };
    expect(fromIonText(toIonText(value))).toEqual(value);
    expect(evaluateExpression('{{ fromIon(lines).name }} {{ ionDecode(lines).name }}', { lines: '{name:"a"}\n{name:"b"}\n' })).toBe('a a');
  });

  it('reads annotations, symbols, long strings, decimals, timestamps and comments', () => {
    const text = `// items\n{id:'x-1', tag:sym, note:'''long ''' '''text''', amount:12.50, ratio:1.5e0, at:2024-01-02T03:04:05Z, v:ann::{n:null.int}}\n[1, -0x1f, 0b101, 1_000] /* end */`;
    expect(readIonValues(text)).toEqual([
      { id: 'x-1', tag: 'sym', note: 'long text', amount: 12.5, ratio: 1.5, at: '2024-01-02T03:04:05Z', v: { n: null } },
      [1, -31, 5, 1000],
    ]);
  });

  it('fromIon fails on malformed text and on a non-string, naming the function', () => {
    expect(failure("{{ fromIon('{a:') }}")).toMatch(/Invalid ion/);
    expect(failure('{{ fromIon(1) }}')).toMatch(/'fromIon' function expects an argument 'ion' with type string/);
  });
});

describe('namespace and storage file functions', () => {
  it("fileURI() addresses a file of the flow's namespace and refuses '..'", () => {
    expect(renderTemplate("{{ fileURI('scripts/a.py') }}", flowVars)).toBe('kestra:///company/team/_files/scripts/a.py');
    expect(renderTemplate("{{ fileURI('/a.txt') }}", flowVars)).toBe('kestra:///company/team/_files/a.txt');
    expect(failure("{{ fileURI('../other/a.txt') }}", flowVars)).toMatch(/must not contain '\.\.'/);
  });

  it('fileSize(), fileExists() and isFileEmpty() ask the injected stat, and fail where there is none', () => {
    const sizes: Record<string, number> = { 'kestra:///a/f.txt': 5, 'empty.txt': 0 };
    const stat = (path: string) => (path in sizes ? { size: sizes[path]! } : null);
    expect(renderTemplate("{{ fileSize('kestra:///a/f.txt') }} {{ fileExists('empty.txt') }} {{ fileExists('nope') }} {{ isFileEmpty('empty.txt') }}", {}, { stat })).toBe('5 true false true');
    expect(failure("{{ fileSize('nope') }}", {}, { stat })).toMatch(/fileSize\('nope'\): no such file/);
    expect(failure("{{ fileSize('kestra:///a/f.txt') }}")).toMatch(/Cannot use fileSize\('kestra:\/\/\/a\/f.txt'\): files are not available here/);
  });
});

describe('fetchContext() and unsupported functions', () => {
  it('fetchContext() returns the variables as a map', () => {
    expect(evaluateExpression('{{ fetchContext().flow.namespace }}', flowVars)).toBe('company.team');
  });

  it.each(['http', 'randomPort', 'credential', 'appLink', 'noSuchThing'])('%s() fails naming the function, never renders empty', (name) => {
    expect(failure(`{{ ${name}('x') }}`)).toContain(`'${name}'`);
  });
});
