import { ExpressionError } from './expression-error.js';

export type TokenType = 'name' | 'number' | 'string' | 'op' | 'close' | 'eof';

/** Piece of a double-quoted string: text, or a `#{ expression }` to interpolate. */
export type StringPart = string | { start: number; end: number };

export interface Token {
  type: TokenType;
  value: string;
  p: number;
  /** For `close`: the tag ended with `-}}`/`-%}` (trim the whitespace that follows). */
  trim?: boolean;
  /** For numbers: written with a decimal point or exponent (a Java double). */
  isDouble?: boolean;
  parts?: StringPart[];
}

const OPERATORS = ['???', '??', '...', '..', '==', '!=', '<=', '>=', '//', '(', ')', '[', ']', '{', '}', ',', '.', ':', '?', '|', '~', '+', '-', '*', '/', '%', '<', '>', '=', '!'];

/**
 * Splits the inside of a `{{ }}` / `{% %}` tag into tokens. The closing delimiter only counts
 * outside brackets, so `{{ {"a":{}} | toJson }}` works as in Pebble.
 */
export class TemplateLexer {
  private readonly brackets: string[] = [];
  private peeked: Token | undefined;

  constructor(
    private readonly src: string,
    public pos: number,
    private readonly end: number,
    private readonly close: '}}' | '%}' | null,
  ) {}

  peek(): Token {
    if (!this.peeked) this.peeked = this.read();
    return this.peeked;
  }

  next(): Token {
    const t = this.peek();
    this.peeked = undefined;
    return t;
  }

  /** Token after the peeked one, without consuming (for `name =` named arguments). */
  peekSecond(): Token {
    const first = this.peek();
    const savedPos = this.pos;
    const savedBrackets = [...this.brackets];
    this.peeked = undefined;
    const second = this.read();
    this.pos = savedPos;
    this.brackets.length = 0;
    this.brackets.push(...savedBrackets);
    this.peeked = first;
    return second;
  }

  private error(message: string, at: number): ExpressionError {
    return new ExpressionError(message, this.src, at);
  }

  private read(): Token {
    const src = this.src;
    while (this.pos < this.end && /\s/.test(src[this.pos]!)) this.pos++;
    const start = this.pos;
    if (this.close && this.brackets.length === 0) {
      if (src.startsWith('-' + this.close, this.pos)) {
        this.pos += 3;
        return { type: 'close', value: this.close, p: start, trim: true };
      }
      if (src.startsWith(this.close, this.pos)) {
        this.pos += 2;
        return { type: 'close', value: this.close, p: start, trim: false };
      }
    }
    if (this.pos >= this.end) {
      if (this.close) throw this.error(`Unclosed tag: expected '${this.close}'`, Math.min(start, src.length));
      return { type: 'eof', value: '', p: start };
    }
    const c = src[this.pos]!;
    if (/[A-Za-z_$]/.test(c)) {
      let j = this.pos + 1;
      while (j < this.end && /[A-Za-z0-9_$]/.test(src[j]!)) j++;
      this.pos = j;
      return { type: 'name', value: src.slice(start, j), p: start };
    }
    if (/[0-9]/.test(c)) {
      let j = this.pos;
      while (j < this.end && /[0-9]/.test(src[j]!)) j++;
      let isDouble = false;
      if (src[j] === '.' && /[0-9]/.test(src[j + 1] ?? '')) {
        j++;
        while (j < this.end && /[0-9]/.test(src[j]!)) j++;
        isDouble = true;
      }
      if ((src[j] === 'e' || src[j] === 'E') && /[0-9]/.test(src[j + 1] ?? '') ) {
        j++;
        while (j < this.end && /[0-9]/.test(src[j]!)) j++;
        isDouble = true;
      }
      this.pos = j;
      return { type: 'number', value: src.slice(start, j), p: start, isDouble };
    }
    if (c === '"' || c === "'") return this.readString(c);
    for (const op of OPERATORS) {
      if (src.startsWith(op, this.pos)) {
        this.pos += op.length;
        if (op === '(' || op === '[' || op === '{') this.brackets.push(op);
        else if (op === ')' || op === ']' || op === '}') {
          const open = this.brackets.pop();
          const expected = op === ')' ? '(' : op === ']' ? '[' : '{';
          if (open !== expected) throw this.error(`Unexpected '${op}'`, start);
        }
        return { type: 'op', value: op, p: start };
      }
    }
    throw this.error(`Unexpected character '${c}'`, start);
  }

  private readString(quote: string): Token {
    const src = this.src;
    const start = this.pos;
    let j = this.pos + 1;
    let text = '';
    const parts: StringPart[] = [];
    while (true) {
      if (j >= this.end) throw this.error('Unclosed string literal', start);
      const ch = src[j]!;
      if (ch === '\\' && j + 1 < this.end) {
        const nextCh = src[j + 1]!;
        // Pebble unescapes the quotes and the backslash; other sequences stay as written.
        if (nextCh === quote || nextCh === '\\' || nextCh === '"' || nextCh === "'") {
          text += nextCh;
        } else {
          text += ch + nextCh;
        }
        j += 2;
        continue;
      }
      if (ch === quote) break;
      if (quote === '"' && ch === '#' && src[j + 1] === '{') {
        const exprStart = j + 2;
        const exprEnd = this.findInterpolationEnd(exprStart);
        if (text) parts.push(text);
        text = '';
        parts.push({ start: exprStart, end: exprEnd });
        j = exprEnd + 1;
        continue;
      }
      text += ch;
      j++;
    }
    this.pos = j + 1;
    if (parts.length === 0) return { type: 'string', value: text, p: start };
    if (text) parts.push(text);
    return { type: 'string', value: '', p: start, parts };
  }

  private findInterpolationEnd(from: number): number {
    let depth = 0;
    let j = from;
    while (j < this.end) {
      const ch = this.src[j]!;
      if (ch === "'" || ch === '"') {
        const q = ch;
        j++;
        while (j < this.end && this.src[j] !== q) j += this.src[j] === '\\' ? 2 : 1;
      } else if (ch === '{') depth++;
      else if (ch === '}') {
        if (depth === 0) return j;
        depth--;
      }
      j++;
    }
    throw this.error("Unclosed string interpolation: expected '}'", from - 2);
  }
}
