import { JavaDouble, isMap } from './pebble-values.js';
import { ZonedDateTime } from './zoned-date-time.js';

/** A malformed Amazon ION text. */
export class IonSyntaxError extends Error {
  constructor(message: string, readonly offset: number) {
    super(`${message} at offset ${offset}`);
    this.name = 'IonSyntaxError';
  }
}

const IDENTIFIER = /^[A-Za-z_$][A-Za-z0-9_$]*$/;
const KEYWORDS = new Set(['null', 'true', 'false', 'nan']);

function quoteString(text: string, quote: '"' | "'"): string {
  let out = quote;
  for (const ch of text) {
    const code = ch.codePointAt(0)!;
    if (ch === quote || ch === '\\') out += `\\${ch}`;
    else if (ch === '\n') out += '\\n';
    else if (ch === '\r') out += '\\r';
    else if (ch === '\t') out += '\\t';
    else if (code < 0x20) out += `\\x${code.toString(16).padStart(2, '0')}`;
    else out += ch;
  }
  return out + quote;
}

function fieldName(name: string): string {
  return IDENTIFIER.test(name) && !KEYWORDS.has(name) ? name : quoteString(name, "'");
}

function ionFloat(value: number): string {
  if (Number.isNaN(value)) return 'nan';
  if (!Number.isFinite(value)) return value > 0 ? '+inf' : '-inf';
  // ION floats carry an exponent (`1.5e0`): without one the text would be a decimal.
  return value.toExponential().replace('e+', 'e');
}

/** Writes one value as ION text, the way Kestra's ION mapper does for values of a flow (`toIon`). */
export function toIonText(value: unknown): string {
  if (value === null || value === undefined) return 'null';
  if (typeof value === 'boolean') return value ? 'true' : 'false';
  if (typeof value === 'bigint') return value.toString();
  if (value instanceof JavaDouble) return ionFloat(value.value);
  if (typeof value === 'number') return Number.isInteger(value) ? String(value) : ionFloat(value);
  if (typeof value === 'string') return quoteString(value, '"');
  if (value instanceof ZonedDateTime) return value.toString();
  if (value instanceof Date) return value.toISOString();
  if (Array.isArray(value)) return `[${value.map(toIonText).join(',')}]`;
  if (isMap(value)) return `{${Object.entries(value).map(([k, v]) => `${fieldName(k)}:${toIonText(v)}`).join(',')}}`;
  return quoteString(String(value), '"');
}

const TIMESTAMP = /^\d{4}(-\d{2}(-\d{2}(T(\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:\d{2}))?)?)?)?T?$/;
const ESCAPES: Record<string, string> = { n: '\n', r: '\r', t: '\t', '0': '\0', a: '\x07', b: '\b', f: '\f', v: '\v', '"': '"', "'": "'", '/': '/', '\\': '\\', '?': '?' };

/** Reads ION text (the subset flows exchange: structs, lists, strings, symbols, numbers, timestamps, annotations). */
class IonReader {
  private pos = 0;
  constructor(private readonly text: string) {}

  /** The values of the text, in order (an ION file of items holds one a line). */
  readAll(): unknown[] {
    const values: unknown[] = [];
    for (;;) {
      this.skipSpace();
      if (this.pos >= this.text.length) return values;
      values.push(this.value());
    }
  }

  private fail(message: string): never {
    throw new IonSyntaxError(message, this.pos);
  }

  private skipSpace(): void {
    for (;;) {
      const rest = this.text.slice(this.pos, this.pos + 2);
      if (/^\s/.test(rest)) this.pos++;
      else if (rest === '//') {
        const end = this.text.indexOf('\n', this.pos);
        this.pos = end < 0 ? this.text.length : end + 1;
      } else if (rest === '/*') {
        const end = this.text.indexOf('*/', this.pos + 2);
        if (end < 0) this.fail('Unterminated comment');
        this.pos = end + 2;
      } else return;
    }
  }

  private value(): unknown {
    this.skipSpace();
    const ch = this.text[this.pos];
    if (ch === undefined) this.fail('Unexpected end of ION text');
    if (ch === '{') {
      if (this.text[this.pos + 1] === '{') this.fail('ION blobs and clobs are not supported');
      return this.struct();
    }
    if (ch === '[') return this.sequence(']');
    if (ch === '(') return this.sequence(')');
    if (ch === '"') return this.shortString('"');
    if (ch === "'") {
      if (this.text.startsWith("'''", this.pos)) return this.longStrings();
      const symbol = this.shortString("'");
      return this.annotated() ? this.value() : symbol;
    }
    const token = this.token();
    if (this.annotated()) return this.value();
    return this.scalar(token);
  }

  /** Consumes `::` after an annotation, which only qualifies the value that follows. */
  private annotated(): boolean {
    this.skipSpace();
    if (!this.text.startsWith('::', this.pos)) return false;
    this.pos += 2;
    return true;
  }

  private token(): string {
    const rest = this.text.slice(this.pos);
    // A timestamp holds ':' in its time; any other token stops at one (a field separator).
    const match = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?(?:Z|[+-]\d{2}:\d{2})/.exec(rest) ?? /^[^\s{}[\](),"':]+/.exec(rest);
    if (!match) this.fail(`Unexpected character '${this.text[this.pos]}'`);
    this.pos += match[0].length;
    return match[0];
  }

  private scalar(token: string): unknown {
    if (token === 'null' || token.startsWith('null.')) return null;
    if (token === 'true') return true;
    if (token === 'false') return false;
    if (token === 'nan') return Number.NaN;
    if (token === '+inf') return Number.POSITIVE_INFINITY;
    if (token === '-inf') return Number.NEGATIVE_INFINITY;
    const number = token.replace(/_/g, '');
    const radix = /^(-?)0([xXbB])([0-9a-fA-F]+)$/.exec(number);
    if (radix) return (radix[1] ? -1 : 1) * Number.parseInt(radix[3]!, /[xX]/.test(radix[2]!) ? 16 : 2);
    if (/^-?\d+$/.test(number)) {
      const big = BigInt(number);
      return big >= BigInt(Number.MIN_SAFE_INTEGER) && big <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(number) : big;
    }
    if (/^-?\d+(\.\d*)?([eEdD][+-]?\d+)?$/.test(number)) {
      const parsed = Number(number.replace(/[dD]/, 'e'));
      return Number.isInteger(parsed) ? new JavaDouble(parsed) : parsed;
    }
    if (TIMESTAMP.test(token) && /^\d{4}-|T$/.test(token)) return token;
    if (IDENTIFIER.test(token)) return token;
    return this.fail(`Invalid ION value '${token}'`);
  }

  private struct(): Record<string, unknown> {
    this.pos++;
    const out: Record<string, unknown> = {};
    for (;;) {
      this.skipSpace();
      if (this.text[this.pos] === '}') {
        this.pos++;
        return out;
      }
      const ch = this.text[this.pos];
      const name = ch === '"' || ch === "'" ? (this.text.startsWith("'''", this.pos) ? this.longStrings() : this.shortString(ch)) : this.token();
      this.skipSpace();
      if (this.text[this.pos] !== ':') this.fail(`Expected ':' after field '${name}'`);
      this.pos++;
      out[name] = this.value();
      this.skipSpace();
      if (this.text[this.pos] === ',') this.pos++;
      else if (this.text[this.pos] !== '}') this.fail("Expected ',' or '}' in a struct");
    }
  }

  private sequence(close: ']' | ')'): unknown[] {
    this.pos++;
    const out: unknown[] = [];
    for (;;) {
      this.skipSpace();
      if (this.text[this.pos] === close) {
        this.pos++;
        return out;
      }
      out.push(this.value());
      this.skipSpace();
      if (close === ']' && this.text[this.pos] === ',') this.pos++;
      else if (this.text[this.pos] !== close && close === ']') this.fail("Expected ',' or ']' in a list");
    }
  }

  private shortString(quote: string): string {
    this.pos++;
    let out = '';
    for (;;) {
      const ch = this.text[this.pos++];
      if (ch === undefined) this.fail('Unterminated string');
      if (ch === quote) return out;
      if (ch !== '\\') {
        out += ch;
        continue;
      }
      const esc = this.text[this.pos++]!;
      if (esc === 'x' || esc === 'u' || esc === 'U') {
        const length = esc === 'x' ? 2 : esc === 'u' ? 4 : 8;
        const hex = this.text.slice(this.pos, this.pos + length);
        if (!/^[0-9a-fA-F]+$/.test(hex) || hex.length !== length) this.fail(`Invalid \\${esc} escape`);
        out += String.fromCodePoint(Number.parseInt(hex, 16));
        this.pos += length;
      } else if (esc === '\n') continue;
      else if (ESCAPES[esc] !== undefined) out += ESCAPES[esc];
      else this.fail(`Invalid escape '\\${esc}'`);
    }
  }

  /** `'''a''' '''b'''`: adjacent long strings are one string. */
  private longStrings(): string {
    let out = '';
    while (this.text.startsWith("'''", this.pos)) {
      this.pos += 3;
      const end = this.text.indexOf("'''", this.pos);
      if (end < 0) this.fail('Unterminated long string');
      out += JSON.parse(`"${this.text.slice(this.pos, end).replace(/\\'/g, "'").replace(/"/g, '\\"').replace(/\n/g, '\\n').replace(/\r/g, '\\r').replace(/\t/g, '\\t')}"`) as string;
      this.pos = end + 3;
      this.skipSpace();
    }
    return out;
  }
}

/** The values of an ION text, in order. */
export function readIonValues(text: string): unknown[] {
  return new IonReader(text).readAll();
}

/** The first value of an ION text (what `fromIon()` returns), or null for an empty text. */
export function fromIonText(text: string): unknown {
  const values = readIonValues(text);
  return values.length === 0 ? null : values[0];
}
