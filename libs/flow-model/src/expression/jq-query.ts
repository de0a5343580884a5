/**
 * The subset of jq that Kestra flows use in the `jq` filter: paths, `.[]`, slices, pipes,
 * commas, `//`, arithmetic, comparisons, `if`, object/array construction, `as $x`, `reduce`
 * and the common builtins (select, map, length, keys, to_entries, sort_by, ...). Synchronous,
 * unlike the jq-wasm package, because rendering is synchronous.
 */

type JqNode =
  | { k: 'identity' }
  | { k: 'recurse' }
  | { k: 'field'; target: JqNode; name: string; optional: boolean }
  | { k: 'index'; target: JqNode; index: JqNode; optional: boolean }
  | { k: 'slice'; target: JqNode; from?: JqNode; to?: JqNode; optional: boolean }
  | { k: 'iterate'; target: JqNode; optional: boolean }
  | { k: 'literal'; value: unknown }
  | { k: 'string'; parts: Array<string | JqNode> }
  | { k: 'array'; body?: JqNode }
  | { k: 'object'; entries: Array<{ key: JqNode | string; value?: JqNode }> }
  | { k: 'pipe'; left: JqNode; right: JqNode }
  | { k: 'comma'; left: JqNode; right: JqNode }
  | { k: 'binary'; op: string; left: JqNode; right: JqNode }
  | { k: 'neg'; operand: JqNode }
  | { k: 'call'; name: string; args: JqNode[] }
  | { k: 'var'; name: string }
  | { k: 'bind'; source: JqNode; name: string; body: JqNode }
  | { k: 'reduce'; source: JqNode; name: string; init: JqNode; update: JqNode }
  | { k: 'if'; cond: JqNode; then: JqNode; otherwise?: JqNode }
  | { k: 'try'; body: JqNode; handler?: JqNode }
  | { k: 'format'; name: string };

interface JqToken {
  t: 'num' | 'str' | 'ident' | 'field' | 'var' | 'op' | 'format' | 'eof';
  v: string;
  parts?: Array<string | string>;
  strParts?: Array<{ text: string } | { expr: string }>;
}

export class JqError extends Error {
  override readonly name = 'JqError';
}

const KEYWORDS = new Set(['if', 'then', 'elif', 'else', 'end', 'as', 'reduce', 'foreach', 'try', 'catch', 'and', 'or', 'not_kw']);

function lex(src: string): JqToken[] {
  const tokens: JqToken[] = [];
  let i = 0;
  const ops = ['|=', '+=', '-=', '//', '==', '!=', '<=', '>=', '..', '?//', '|', ',', '+', '-', '*', '/', '%', '<', '>', '(', ')', '[', ']', '{', '}', ':', ';', '?', '.', '='];
  while (i < src.length) {
    const c = src[i]!;
    if (/\s/.test(c)) {
      i++;
      continue;
    }
    if (c === '#') {
      while (i < src.length && src[i] !== '\n') i++;
      continue;
    }
    if (c === '"') {
      let j = i + 1;
      const strParts: Array<{ text: string } | { expr: string }> = [];
      let text = '';
      while (j < src.length && src[j] !== '"') {
        if (src[j] === '\\') {
          const n = src[j + 1]!;
          if (n === '(') {
            let depth = 1;
            let k = j + 2;
            while (k < src.length && depth > 0) {
              if (src[k] === '(') depth++;
              else if (src[k] === ')') depth--;
              k++;
            }
            if (text) strParts.push({ text });
            text = '';
            strParts.push({ expr: src.slice(j + 2, k - 1) });
            j = k;
            continue;
          }
          const map: Record<string, string> = { n: '\n', t: '\t', r: '\r', '"': '"', '\\': '\\', '/': '/', b: '\b', f: '\f' };
          if (n === 'u') {
            text += String.fromCharCode(parseInt(src.slice(j + 2, j + 6), 16));
            j += 6;
            continue;
          }
          text += map[n] ?? n;
          j += 2;
          continue;
        }
        text += src[j];
        j++;
      }
      if (j >= src.length) throw new JqError('unterminated string in jq expression');
      if (text || strParts.length === 0) strParts.push({ text });
      tokens.push({ t: 'str', v: text, strParts });
      i = j + 1;
      continue;
    }
    if (/[0-9]/.test(c) || (c === '.' && /[0-9]/.test(src[i + 1] ?? ''))) {
      const m = /^(?:\d+\.?\d*|\.\d+)(?:[eE][-+]?\d+)?/.exec(src.slice(i))!;
      tokens.push({ t: 'num', v: m[0] });
      i += m[0].length;
      continue;
    }
    if (c === '.' && /[A-Za-z_]/.test(src[i + 1] ?? '')) {
      const m = /^[A-Za-z_][A-Za-z0-9_]*/.exec(src.slice(i + 1))!;
      tokens.push({ t: 'field', v: m[0] });
      i += 1 + m[0].length;
      continue;
    }
    if (c === '$') {
      const m = /^[A-Za-z_][A-Za-z0-9_]*/.exec(src.slice(i + 1));
      if (!m) throw new JqError(`invalid variable in jq expression at ${i}`);
      tokens.push({ t: 'var', v: m[0] });
      i += 1 + m[0].length;
      continue;
    }
    if (c === '@') {
      const m = /^[A-Za-z0-9_]+/.exec(src.slice(i + 1));
      tokens.push({ t: 'format', v: m ? m[0] : '' });
      i += 1 + (m ? m[0].length : 0);
      continue;
    }
    if (/[A-Za-z_]/.test(c)) {
      const m = /^[A-Za-z_][A-Za-z0-9_]*(?:::[A-Za-z_][A-Za-z0-9_]*)*/.exec(src.slice(i))!;
      tokens.push({ t: 'ident', v: m[0] });
      i += m[0].length;
      continue;
    }
    const op = ops.find((o) => src.startsWith(o, i));
    if (!op) throw new JqError(`unexpected character '${c}' in jq expression`);
    tokens.push({ t: 'op', v: op });
    i += op.length;
  }
  tokens.push({ t: 'eof', v: '' });
  return tokens;
}

class JqParser {
  private i = 0;
  constructor(private readonly tokens: JqToken[]) {}

  private peek(): JqToken {
    return this.tokens[this.i]!;
  }
  private next(): JqToken {
    return this.tokens[this.i++]!;
  }
  private isOp(v: string): boolean {
    const t = this.peek();
    return t.t === 'op' && t.v === v;
  }
  private isIdent(v: string): boolean {
    const t = this.peek();
    return t.t === 'ident' && t.v === v;
  }
  private expect(v: string): void {
    const t = this.next();
    if (t.v !== v || (t.t !== 'op' && t.t !== 'ident')) throw new JqError(`jq: expected '${v}' but found '${t.v || 'end'}'`);
  }

  parseAll(): JqNode {
    const n = this.parsePipe();
    if (this.peek().t !== 'eof') throw new JqError(`jq: unexpected '${this.peek().v}'`);
    return n;
  }

  parsePipe(): JqNode {
    const left = this.parseComma();
    if (this.isIdent('as')) {
      this.next();
      const v = this.next();
      if (v.t !== 'var') throw new JqError('jq: expected a $variable after as');
      this.expect('|');
      return { k: 'bind', source: left, name: v.v, body: this.parsePipe() };
    }
    if (this.isOp('|')) {
      this.next();
      return { k: 'pipe', left, right: this.parsePipe() };
    }
    return left;
  }

  private parseComma(): JqNode {
    let left = this.parseAlternative();
    while (this.isOp(',')) {
      this.next();
      left = { k: 'comma', left, right: this.parseAlternative() };
    }
    return left;
  }

  private parseAlternative(): JqNode {
    const left = this.parseOr();
    if (this.isOp('//')) {
      this.next();
      return { k: 'binary', op: '//', left, right: this.parseAlternative() };
    }
    return left;
  }

  private parseOr(): JqNode {
    let left = this.parseAnd();
    while (this.isIdent('or')) {
      this.next();
      left = { k: 'binary', op: 'or', left, right: this.parseAnd() };
    }
    return left;
  }

  private parseAnd(): JqNode {
    let left = this.parseComparison();
    while (this.isIdent('and')) {
      this.next();
      left = { k: 'binary', op: 'and', left, right: this.parseComparison() };
    }
    return left;
  }

  private parseComparison(): JqNode {
    const left = this.parseAdditive();
    const t = this.peek();
    if (t.t === 'op' && ['==', '!=', '<', '<=', '>', '>='].includes(t.v)) {
      this.next();
      return { k: 'binary', op: t.v, left, right: this.parseAdditive() };
    }
    return left;
  }

  private parseAdditive(): JqNode {
    let left = this.parseMultiplicative();
    while (this.isOp('+') || this.isOp('-')) {
      const op = this.next().v;
      left = { k: 'binary', op, left, right: this.parseMultiplicative() };
    }
    return left;
  }

  private parseMultiplicative(): JqNode {
    let left = this.parseUnary();
    while (this.isOp('*') || this.isOp('/') || this.isOp('%')) {
      const op = this.next().v;
      left = { k: 'binary', op, left, right: this.parseUnary() };
    }
    return left;
  }

  private parseUnary(): JqNode {
    if (this.isOp('-')) {
      this.next();
      return { k: 'neg', operand: this.parsePostfix() };
    }
    return this.parsePostfix();
  }

  private parsePostfix(): JqNode {
    let node = this.parseTerm();
    for (;;) {
      const t = this.peek();
      if (t.t === 'field') {
        this.next();
        node = { k: 'field', target: node, name: t.v, optional: this.optional() };
      } else if (t.t === 'op' && t.v === '.' && this.tokens[this.i + 1]?.t === 'str') {
        this.next();
        const name = this.next().v;
        node = { k: 'field', target: node, name, optional: this.optional() };
      } else if (t.t === 'op' && (t.v === '[' || (t.v === '.' && this.tokens[this.i + 1]?.v === '['))) {
        if (t.v === '.') this.next();
        node = this.parseBracket(node);
      } else if (t.t === 'op' && t.v === '?') {
        this.next();
        node = { k: 'try', body: node };
      } else return node;
    }
  }

  private optional(): boolean {
    if (this.isOp('?')) {
      this.next();
      return true;
    }
    return false;
  }

  private parseBracket(target: JqNode): JqNode {
    this.expect('[');
    if (this.isOp(']')) {
      this.next();
      return { k: 'iterate', target, optional: this.optional() };
    }
    if (this.isOp(':')) {
      this.next();
      const to = this.parsePipe();
      this.expect(']');
      return { k: 'slice', target, to, optional: this.optional() };
    }
    const index = this.parsePipe();
    if (this.isOp(':')) {
      this.next();
      const to = this.isOp(']') ? undefined : this.parsePipe();
      this.expect(']');
      return { k: 'slice', target, from: index, to, optional: this.optional() };
    }
    this.expect(']');
    return { k: 'index', target, index, optional: this.optional() };
  }

  private parseTerm(): JqNode {
    const t = this.next();
    switch (t.t) {
      case 'num':
        return { k: 'literal', value: Number(t.v) };
      case 'str':
        return this.stringNode(t);
      case 'field':
        return { k: 'field', target: { k: 'identity' }, name: t.v, optional: this.optional() };
      case 'var':
        return { k: 'var', name: t.v };
      case 'format':
        if (this.peek().t === 'str') {
          const s = this.next();
          return { k: 'pipe', left: this.stringNode(s, t.v), right: { k: 'identity' } };
        }
        return { k: 'format', name: t.v };
      case 'op':
        if (t.v === '.') {
          if (this.peek().t === 'str') {
            const name = this.next().v;
            return { k: 'field', target: { k: 'identity' }, name, optional: this.optional() };
          }
          if (this.isOp('[')) return this.parseBracket({ k: 'identity' });
          return { k: 'identity' };
        }
        if (t.v === '..') return { k: 'recurse' };
        if (t.v === '(') {
          const inner = this.parsePipe();
          this.expect(')');
          return inner;
        }
        if (t.v === '[') {
          if (this.isOp(']')) {
            this.next();
            return { k: 'array' };
          }
          const body = this.parsePipe();
          this.expect(']');
          return { k: 'array', body };
        }
        if (t.v === '{') return this.parseObject();
        break;
      case 'ident':
        return this.parseIdent(t.v);
      default:
        break;
    }
    throw new JqError(`jq: unexpected '${t.v || 'end of expression'}'`);
  }

  private stringNode(t: JqToken, format?: string): JqNode {
    const parts: Array<string | JqNode> = (t.strParts ?? [{ text: t.v }]).map((p) => {
      if ('text' in p) return p.text;
      const inner = new JqParser(lex(p.expr)).parseAll();
      return format ? { k: 'pipe', left: inner, right: { k: 'format', name: format } } : inner;
    });
    if (parts.length === 1 && typeof parts[0] === 'string') return { k: 'literal', value: parts[0] };
    return { k: 'string', parts };
  }

  private parseIdent(name: string): JqNode {
    switch (name) {
      case 'true':
        return { k: 'literal', value: true };
      case 'false':
        return { k: 'literal', value: false };
      case 'null':
        return { k: 'literal', value: null };
      case 'if': {
        const cond = this.parsePipe();
        this.expect('then');
        const then = this.parsePipe();
        if (this.isIdent('elif')) {
          this.next();
          const nested = this.parseIdent('if');
          return { k: 'if', cond, then, otherwise: nested };
        }
        let otherwise: JqNode | undefined;
        if (this.isIdent('else')) {
          this.next();
          otherwise = this.parsePipe();
        }
        this.expect('end');
        return { k: 'if', cond, then, otherwise };
      }
      case 'try': {
        const body = this.parsePostfix();
        let handler: JqNode | undefined;
        if (this.isIdent('catch')) {
          this.next();
          handler = this.parsePostfix();
        }
        return { k: 'try', body, handler };
      }
      case 'reduce': {
        const source = this.parsePostfix();
        this.expect('as');
        const v = this.next();
        this.expect('(');
        const init = this.parsePipe();
        this.expect(';');
        const update = this.parsePipe();
        this.expect(')');
        return { k: 'reduce', source, name: v.v, init, update };
      }
      default: {
        if (KEYWORDS.has(name)) throw new JqError(`jq: unexpected '${name}'`);
        const args: JqNode[] = [];
        if (this.isOp('(')) {
          this.next();
          args.push(this.parsePipe());
          while (this.isOp(';')) {
            this.next();
            args.push(this.parsePipe());
          }
          this.expect(')');
        }
        return { k: 'call', name, args };
      }
    }
  }

  private parseObject(): JqNode {
    const entries: Array<{ key: JqNode | string; value?: JqNode }> = [];
    while (!this.isOp('}')) {
      const t = this.next();
      let key: JqNode | string;
      if (t.t === 'ident' || (t.t === 'str' && (t.strParts?.length ?? 1) <= 1 && !t.strParts?.some((p) => 'expr' in p))) key = t.v;
      else if (t.t === 'str') key = this.stringNode(t);
      else if (t.t === 'var') key = `$${t.v}`;
      else if (t.t === 'op' && t.v === '(') {
        key = this.parsePipe();
        this.expect(')');
      } else throw new JqError(`jq: unexpected '${t.v}' in object`);
      let value: JqNode | undefined;
      if (this.isOp(':')) {
        this.next();
        value = this.parseObjectValue();
      }
      entries.push({ key, value });
      if (!this.isOp('}')) this.expect(',');
    }
    this.next();
    return { k: 'object', entries };
  }

  private parseObjectValue(): JqNode {
    // Object values stop at ',' — parse a pipe without commas.
    let left = this.parseAlternative();
    while (this.isOp('|')) {
      this.next();
      left = { k: 'pipe', left, right: this.parseAlternative() };
    }
    return left;
  }
}

type Env = Map<string, unknown>;

function typeName(v: unknown): string {
  if (v === null || v === undefined) return 'null';
  if (typeof v === 'boolean') return 'boolean';
  if (typeof v === 'number') return 'number';
  if (typeof v === 'string') return 'string';
  if (Array.isArray(v)) return 'array';
  return 'object';
}

const ORDER = ['null', 'boolean', 'number', 'string', 'array', 'object'];

function compare(a: unknown, b: unknown): number {
  const ta = typeName(a);
  const tb = typeName(b);
  if (ta !== tb) return ORDER.indexOf(ta) - ORDER.indexOf(tb);
  switch (ta) {
    case 'null':
      return 0;
    case 'boolean':
      return Number(a) - Number(b);
    case 'number':
      return (a as number) - (b as number);
    case 'string':
      return (a as string) < (b as string) ? -1 : (a as string) > (b as string) ? 1 : 0;
    case 'array': {
      const x = a as unknown[];
      const y = b as unknown[];
      for (let i = 0; i < Math.min(x.length, y.length); i++) {
        const c = compare(x[i], y[i]);
        if (c) return c;
      }
      return x.length - y.length;
    }
    default: {
      const x = a as Record<string, unknown>;
      const y = b as Record<string, unknown>;
      const c = compare(Object.keys(x).sort(), Object.keys(y).sort());
      if (c) return c;
      for (const k of Object.keys(x).sort()) {
        const d = compare(x[k], y[k]);
        if (d) return d;
      }
      return 0;
    }
  }
}

function truthy(v: unknown): boolean {
  return v !== null && v !== undefined && v !== false;
}

function toJsonText(v: unknown): string {
  return JSON.stringify(v ?? null);
}

function containsValue(a: unknown, b: unknown): boolean {
  if (typeof a === 'string' && typeof b === 'string') return a.includes(b);
  if (Array.isArray(a) && Array.isArray(b)) return b.every((y) => a.some((x) => containsValue(x, y)));
  if (typeName(a) === 'object' && typeName(b) === 'object') {
    return Object.entries(b as Record<string, unknown>).every(([k, v]) => k in (a as object) && containsValue((a as Record<string, unknown>)[k], v));
  }
  return compare(a, b) === 0;
}

function add(a: unknown, b: unknown): unknown {
  if (a === null) return b;
  if (b === null) return a;
  if (typeof a === 'number' && typeof b === 'number') return a + b;
  if (typeof a === 'string' && typeof b === 'string') return a + b;
  if (Array.isArray(a) && Array.isArray(b)) return [...a, ...b];
  if (typeName(a) === 'object' && typeName(b) === 'object') return { ...(a as object), ...(b as object) };
  throw new JqError(`jq: ${typeName(a)} and ${typeName(b)} cannot be added`);
}

function arithmetic(op: string, a: unknown, b: unknown): unknown {
  switch (op) {
    case '+':
      return add(a, b);
    case '-':
      if (typeof a === 'number' && typeof b === 'number') return a - b;
      if (Array.isArray(a) && Array.isArray(b)) return a.filter((x) => !b.some((y) => compare(x, y) === 0));
      break;
    case '*':
      if (typeof a === 'number' && typeof b === 'number') return a * b;
      if (typeof a === 'string' && typeof b === 'number') return b > 0 ? a.repeat(b) : null;
      if (typeName(a) === 'object' && typeName(b) === 'object') return deepMerge(a as Record<string, unknown>, b as Record<string, unknown>);
      break;
    case '/':
      if (typeof a === 'number' && typeof b === 'number') {
        if (b === 0) throw new JqError('jq: cannot divide by zero');
        return a / b;
      }
      if (typeof a === 'string' && typeof b === 'string') return a.split(b);
      break;
    case '%':
      if (typeof a === 'number' && typeof b === 'number') {
        if (Math.trunc(b) === 0) throw new JqError('jq: cannot divide by zero');
        return Math.trunc(a) % Math.trunc(b);
      }
      break;
  }
  throw new JqError(`jq: ${typeName(a)} and ${typeName(b)} cannot be used with '${op}'`);
}

function deepMerge(a: Record<string, unknown>, b: Record<string, unknown>): Record<string, unknown> {
  const out = { ...a };
  for (const [k, v] of Object.entries(b)) {
    out[k] = typeName(out[k]) === 'object' && typeName(v) === 'object' ? deepMerge(out[k] as Record<string, unknown>, v as Record<string, unknown>) : v;
  }
  return out;
}

function cartesian(lists: unknown[][]): unknown[][] {
  return lists.reduce<unknown[][]>((acc, list) => acc.flatMap((prefix) => list.map((v) => [...prefix, v])), [[]]);
}

function formatValue(name: string, v: unknown): string {
  const text = typeof v === 'string' ? v : toJsonText(v);
  switch (name) {
    case 'text':
      return text;
    case 'json':
      return toJsonText(v);
    case 'base64':
      return Buffer.from(text, 'utf8').toString('base64');
    case 'base64d':
      return Buffer.from(text, 'base64').toString('utf8');
    case 'uri':
      return encodeURIComponent(text).replace(/[!'()*]/g, (c) => '%' + c.charCodeAt(0).toString(16).toUpperCase());
    case 'html':
      return text.replace(/[<>&'"]/g, (c) => ({ '<': '&lt;', '>': '&gt;', '&': '&amp;', "'": '&#39;', '"': '&quot;' })[c]!);
    case 'sh':
      return (Array.isArray(v) ? v : [v]).map((x) => (typeof x === 'string' ? `'${x.replace(/'/g, "'\\''")}'` : toJsonText(x))).join(' ');
    case 'csv':
    case 'tsv': {
      if (!Array.isArray(v)) throw new JqError(`jq: ${typeName(v)} cannot be ${name}-formatted, only an array can be`);
      return v
        .map((x) => (typeof x === 'string' ? (name === 'csv' ? `"${x.replace(/"/g, '""')}"` : x.replace(/\\/g, '\\\\').replace(/\t/g, '\\t')) : x === null ? '' : String(x)))
        .join(name === 'csv' ? ',' : '\t');
    }
    default:
      throw new JqError(`jq: unknown format @${name}`);
  }
}

class JqEvaluator {
  constructor(private readonly now: Date) {}

  eval(node: JqNode, input: unknown, env: Env): unknown[] {
    switch (node.k) {
      case 'identity':
        return [input];
      case 'recurse':
        return this.recurseAll(input);
      case 'literal':
        return [node.value];
      case 'string': {
        const lists = node.parts.map((p) => (typeof p === 'string' ? [p] : this.eval(p, input, env).map((v) => (typeof v === 'string' ? v : toJsonText(v)))));
        return cartesian(lists).map((parts) => parts.join(''));
      }
      case 'format':
        return [formatValue(node.name, input)];
      case 'field':
        return this.eval(node.target, input, env).flatMap((t) => this.optionally(node.optional, () => [this.getField(t, node.name)]));
      case 'index':
        return this.eval(node.target, input, env).flatMap((t) =>
          this.eval(node.index, input, env).flatMap((i) => this.optionally(node.optional, () => [this.getIndex(t, i)])),
        );
      case 'slice':
        return this.eval(node.target, input, env).flatMap((t) =>
          this.optionally(node.optional, () => {
            if (t === null) return [null];
            if (!Array.isArray(t) && typeof t !== 'string') throw new JqError(`jq: cannot slice ${typeName(t)}`);
            const len = t.length;
            const norm = (v: unknown, d: number) => {
              if (v === null || v === undefined) return d;
              const n = Math.floor(v as number);
              return n < 0 ? Math.max(0, len + n) : Math.min(n, len);
            };
            const from = node.from ? norm(this.eval(node.from, input, env)[0], 0) : 0;
            const to = node.to ? norm(this.eval(node.to, input, env)[0], len) : len;
            return [t.slice(from, Math.max(from, to))];
          }),
        );
      case 'iterate':
        return this.eval(node.target, input, env).flatMap((t) =>
          this.optionally(node.optional, () => {
            if (Array.isArray(t)) return t;
            if (typeName(t) === 'object') return Object.values(t as object);
            throw new JqError(`jq: cannot iterate over ${typeName(t)}`);
          }),
        );
      case 'array':
        return [node.body ? this.eval(node.body, input, env) : []];
      case 'object': {
        const lists = node.entries.map((e) => {
          let keys: unknown[];
          let values: unknown[];
          if (typeof e.key === 'string') {
            if (e.key.startsWith('$')) {
              keys = [e.key.slice(1)];
              values = e.value ? this.eval(e.value, input, env) : [env.get(e.key.slice(1))];
            } else {
              keys = [e.key];
              values = e.value ? this.eval(e.value, input, env) : [this.getField(input, e.key)];
            }
          } else {
            keys = this.eval(e.key, input, env);
            values = e.value ? this.eval(e.value, input, env) : keys.map((k) => this.getField(input, String(k)));
          }
          return cartesian([keys, values]).map(([k, v]) => {
            if (typeof k !== 'string') throw new JqError(`jq: object keys must be strings`);
            return [k, v] as [string, unknown];
          });
        });
        return cartesian(lists).map((pairs) => Object.fromEntries(pairs as Array<[string, unknown]>));
      }
      case 'pipe':
        return this.eval(node.left, input, env).flatMap((v) => this.eval(node.right, v, env));
      case 'comma':
        return [...this.eval(node.left, input, env), ...this.eval(node.right, input, env)];
      case 'neg':
        return this.eval(node.operand, input, env).map((v) => {
          if (typeof v !== 'number') throw new JqError(`jq: ${typeName(v)} cannot be negated`);
          return -v;
        });
      case 'binary':
        return this.binary(node, input, env);
      case 'var': {
        if (node.name === '__loc__') return [{ file: '<stdin>', line: 1 }];
        if (!env.has(node.name)) throw new JqError(`jq: $${node.name} is not defined`);
        return [env.get(node.name)];
      }
      case 'bind':
        return this.eval(node.source, input, env).flatMap((v) => this.eval(node.body, input, new Map(env).set(node.name, v)));
      case 'reduce': {
        let acc = this.eval(node.init, input, env);
        for (const v of this.eval(node.source, input, env)) {
          const scoped = new Map(env).set(node.name, v);
          acc = acc.flatMap((a) => this.eval(node.update, a, scoped)).slice(-1);
        }
        return acc;
      }
      case 'if':
        return this.eval(node.cond, input, env).flatMap((c) =>
          truthy(c) ? this.eval(node.then, input, env) : node.otherwise ? this.eval(node.otherwise, input, env) : [input],
        );
      case 'try':
        try {
          return this.eval(node.body, input, env);
        } catch (err) {
          if (!(err instanceof JqError)) throw err;
          return node.handler ? this.eval(node.handler, err.message, env) : [];
        }
      case 'call':
        return this.call(node.name, node.args, input, env);
    }
  }

  private optionally(optional: boolean, fn: () => unknown[]): unknown[] {
    if (!optional) return fn();
    try {
      return fn();
    } catch (err) {
      if (err instanceof JqError) return [];
      throw err;
    }
  }

  private recurseAll(v: unknown): unknown[] {
    const out: unknown[] = [v];
    if (Array.isArray(v)) for (const x of v) out.push(...this.recurseAll(x));
    else if (typeName(v) === 'object') for (const x of Object.values(v as object)) out.push(...this.recurseAll(x));
    return out;
  }

  private getField(t: unknown, name: string): unknown {
    if (t === null || t === undefined) return null;
    if (typeName(t) !== 'object') throw new JqError(`jq: cannot index ${typeName(t)} with "${name}"`);
    const v = (t as Record<string, unknown>)[name];
    return v === undefined ? null : v;
  }

  private getIndex(t: unknown, i: unknown): unknown {
    if (typeof i === 'string') return this.getField(t, i);
    if (t === null) return null;
    if (Array.isArray(t) && typeof i === 'number') {
      const idx = Math.floor(i < 0 ? t.length + i : i);
      return t[idx] === undefined ? null : t[idx];
    }
    throw new JqError(`jq: cannot index ${typeName(t)} with ${typeName(i)}`);
  }

  private binary(node: Extract<JqNode, { k: 'binary' }>, input: unknown, env: Env): unknown[] {
    if (node.op === '//') {
      let left: unknown[] = [];
      try {
        left = this.eval(node.left, input, env).filter(truthy);
      } catch (err) {
        if (!(err instanceof JqError)) throw err;
      }
      return left.length > 0 ? left : this.eval(node.right, input, env);
    }
    if (node.op === 'and' || node.op === 'or') {
      return this.eval(node.left, input, env).flatMap((l) => {
        if (node.op === 'and' && !truthy(l)) return [false];
        if (node.op === 'or' && truthy(l)) return [true];
        return this.eval(node.right, input, env).map(truthy);
      });
    }
    const rights = this.eval(node.right, input, env);
    const lefts = this.eval(node.left, input, env);
    const out: unknown[] = [];
    for (const r of rights) {
      for (const l of lefts) {
        switch (node.op) {
          case '==':
            out.push(compare(l, r) === 0);
            break;
          case '!=':
            out.push(compare(l, r) !== 0);
            break;
          case '<':
            out.push(compare(l, r) < 0);
            break;
          case '<=':
            out.push(compare(l, r) <= 0);
            break;
          case '>':
            out.push(compare(l, r) > 0);
            break;
          case '>=':
            out.push(compare(l, r) >= 0);
            break;
          default:
            out.push(arithmetic(node.op, l, r));
        }
      }
    }
    return out;
  }

  private one(node: JqNode, input: unknown, env: Env): unknown {
    const out = this.eval(node, input, env);
    return out[0] ?? null;
  }

  private call(name: string, args: JqNode[], input: unknown, env: Env): unknown[] {
    const arity = `${name}/${args.length}`;
    const str = (v: unknown, fn: string): string => {
      if (typeof v !== 'string') throw new JqError(`jq: ${fn} input must be a string`);
      return v;
    };
    switch (arity) {
      case 'empty/0':
        return [];
      case 'not/0':
        return [!truthy(input)];
      case 'length/0':
        if (input === null) return [0];
        if (typeof input === 'number') return [Math.abs(input)];
        if (typeof input === 'string' || Array.isArray(input)) return [input.length];
        if (typeName(input) === 'object') return [Object.keys(input as object).length];
        throw new JqError(`jq: ${typeName(input)} has no length`);
      case 'utf8bytelength/0':
        return [Buffer.byteLength(str(input, 'utf8bytelength'))];
      case 'keys/0':
      case 'keys_unsorted/0':
        if (Array.isArray(input)) return [input.map((_v, i) => i)];
        if (typeName(input) === 'object') {
          const keys = Object.keys(input as object);
          return [name === 'keys' ? keys.sort() : keys];
        }
        throw new JqError(`jq: ${typeName(input)} has no keys`);
      case 'values/0':
        return input === null ? [] : [input];
      case 'has/1':
        return this.eval(args[0]!, input, env).map((k) =>
          Array.isArray(input) ? typeof k === 'number' && k >= 0 && k < input.length : Object.prototype.hasOwnProperty.call(input, String(k)),
        );
      case 'in/1':
        return this.eval(args[0]!, input, env).map((o) => (Array.isArray(o) ? typeof input === 'number' && input < o.length : Object.prototype.hasOwnProperty.call(o, String(input))));
      case 'select/1':
        return this.eval(args[0]!, input, env).some(truthy) ? [input] : [];
      case 'map/1':
        if (Array.isArray(input)) return [input.flatMap((v) => this.eval(args[0]!, v, env))];
        if (typeName(input) === 'object') return [Object.values(input as object).flatMap((v) => this.eval(args[0]!, v, env))];
        throw new JqError(`jq: cannot iterate over ${typeName(input)}`);
      case 'map_values/1': {
        if (Array.isArray(input)) return [input.flatMap((v) => this.eval(args[0]!, v, env).slice(0, 1))];
        const out: Record<string, unknown> = {};
        for (const [k, v] of Object.entries(input as object)) {
          const r = this.eval(args[0]!, v, env);
          if (r.length) out[k] = r[0];
        }
        return [out];
      }
      case 'recurse/0':
        return this.recurseAll(input);
      case 'add/0': {
        const items = Array.isArray(input) ? input : typeName(input) === 'object' ? Object.values(input as object) : [];
        return [items.reduce((acc, v) => add(acc, v), null)];
      }
      case 'any/0':
        return [(input as unknown[]).some(truthy)];
      case 'all/0':
        return [(input as unknown[]).every(truthy)];
      case 'any/1':
        return [(input as unknown[]).some((v) => this.eval(args[0]!, v, env).some(truthy))];
      case 'all/1':
        return [(input as unknown[]).every((v) => this.eval(args[0]!, v, env).every(truthy))];
      case 'flatten/0':
      case 'flatten/1': {
        const depth = args.length ? (this.one(args[0]!, input, env) as number) : 1e9;
        const flat = (list: unknown[], d: number): unknown[] => list.flatMap((v) => (Array.isArray(v) && d > 0 ? flat(v, d - 1) : [v]));
        return [flat(input as unknown[], depth)];
      }
      case 'range/1': {
        const n = this.one(args[0]!, input, env) as number;
        return Array.from({ length: Math.max(0, Math.ceil(n)) }, (_v, i) => i);
      }
      case 'range/2':
      case 'range/3': {
        const from = this.one(args[0]!, input, env) as number;
        const to = this.one(args[1]!, input, env) as number;
        const step = args[2] ? (this.one(args[2], input, env) as number) : 1;
        const out: number[] = [];
        if (step > 0) for (let i = from; i < to; i += step) out.push(i);
        else if (step < 0) for (let i = from; i > to; i += step) out.push(i);
        return out;
      }
      case 'floor/0':
        return [Math.floor(input as number)];
      case 'ceil/0':
        return [Math.ceil(input as number)];
      case 'round/0':
        return [Math.round(input as number)];
      case 'sqrt/0':
        return [Math.sqrt(input as number)];
      case 'fabs/0':
      case 'abs/0':
        return [Math.abs(input as number)];
      case 'tostring/0':
        return [typeof input === 'string' ? input : toJsonText(input)];
      case 'tonumber/0': {
        if (typeof input === 'number') return [input];
        const n = Number(str(input, 'tonumber'));
        if (Number.isNaN(n) || String(input).trim() === '') throw new JqError(`jq: cannot parse '${input}' as a number`);
        return [n];
      }
      case 'type/0':
        return [typeName(input)];
      case 'sort/0':
        return [[...(input as unknown[])].sort(compare)];
      case 'sort_by/1':
        return [this.sortBy(input as unknown[], args[0]!, env)];
      case 'group_by/1': {
        const sorted = this.sortBy(input as unknown[], args[0]!, env);
        const groups: unknown[][] = [];
        let lastKey: unknown = Symbol('none');
        for (const v of sorted) {
          const key = this.eval(args[0]!, v, env);
          if (groups.length && compare(key, lastKey) === 0) groups[groups.length - 1]!.push(v);
          else groups.push([v]);
          lastKey = key;
        }
        return [groups];
      }
      case 'unique/0':
        return [[...(input as unknown[])].sort(compare).filter((v, i, a) => i === 0 || compare(v, a[i - 1]) !== 0)];
      case 'unique_by/1': {
        const sorted = this.sortBy(input as unknown[], args[0]!, env);
        const seen: unknown[] = [];
        return [sorted.filter((v) => {
          const key = this.eval(args[0]!, v, env);
          if (seen.some((s) => compare(s, key) === 0)) return false;
          seen.push(key);
          return true;
        })];
      }
      case 'min/0':
      case 'max/0': {
        const list = input as unknown[];
        if (!list.length) return [null];
        return [list.reduce((a, b) => ((name === 'min' ? compare(b, a) < 0 : compare(b, a) >= 0) ? b : a))];
      }
      case 'min_by/1':
      case 'max_by/1': {
        const list = input as unknown[];
        if (!list.length) return [null];
        const keyed = list.map((v) => [this.eval(args[0]!, v, env), v] as const);
        return [keyed.reduce((a, b) => ((name === 'min_by' ? compare(b[0], a[0]) < 0 : compare(b[0], a[0]) >= 0) ? b : a))[1]];
      }
      case 'reverse/0':
        if (typeof input === 'string') return [[...input].reverse().join('')];
        return [input === null ? [] : [...(input as unknown[])].reverse()];
      case 'contains/1':
        return this.eval(args[0]!, input, env).map((b) => containsValue(input, b));
      case 'inside/1':
        return this.eval(args[0]!, input, env).map((b) => containsValue(b, input));
      case 'startswith/1':
        return this.eval(args[0]!, input, env).map((s) => str(input, 'startswith').startsWith(s as string));
      case 'endswith/1':
        return this.eval(args[0]!, input, env).map((s) => str(input, 'endswith').endsWith(s as string));
      case 'ltrimstr/1':
        return this.eval(args[0]!, input, env).map((s) => (typeof input === 'string' && typeof s === 'string' && input.startsWith(s) ? input.slice(s.length) : input));
      case 'rtrimstr/1':
        return this.eval(args[0]!, input, env).map((s) => (typeof input === 'string' && typeof s === 'string' && s && input.endsWith(s) ? input.slice(0, -s.length) : input));
      case 'trim/0':
        return [str(input, 'trim').trim()];
      case 'ltrim/0':
        return [str(input, 'ltrim').trimStart()];
      case 'rtrim/0':
        return [str(input, 'rtrim').trimEnd()];
      case 'split/1':
        return this.eval(args[0]!, input, env).map((s) => str(input, 'split').split(s as string));
      case 'split/2':
        return [str(input, 'split').split(new RegExp(this.one(args[0]!, input, env) as string, String(this.one(args[1]!, input, env) ?? '').replace('g', '') + 'g'))];
      case 'join/1':
        return this.eval(args[0]!, input, env).map((sep) =>
          (input as unknown[]).map((v) => (v === null ? '' : typeof v === 'string' ? v : toJsonText(v))).join(sep as string),
        );
      case 'ascii_downcase/0':
        return [str(input, 'ascii_downcase').replace(/[A-Z]/g, (c) => c.toLowerCase())];
      case 'ascii_upcase/0':
        return [str(input, 'ascii_upcase').replace(/[a-z]/g, (c) => c.toUpperCase())];
      case 'test/1':
      case 'test/2': {
        const flags = args[1] ? String(this.one(args[1], input, env) ?? '').replace(/[gnx]/g, '') : '';
        return this.eval(args[0]!, input, env).map((re) => new RegExp(re as string, flags).test(str(input, 'test')));
      }
      case 'sub/2':
      case 'sub/3':
      case 'gsub/2':
      case 'gsub/3': {
        const flags = (args[2] ? String(this.one(args[2], input, env) ?? '') : '').replace(/[gnx]/g, '') + (name === 'gsub' ? 'g' : '');
        const re = new RegExp(this.one(args[0]!, input, env) as string, flags);
        return [str(input, name).replace(re, (...m: unknown[]) => {
          const groups = (typeof m[m.length - 1] === 'object' ? m[m.length - 1] : undefined) as Record<string, string> | undefined;
          return String(this.one(args[1]!, groups ?? {}, env));
        })];
      }
      case 'ascii/0':
        return [String.fromCharCode(input as number)];
      case 'explode/0':
        return [[...str(input, 'explode')].map((c) => c.codePointAt(0))];
      case 'implode/0':
        return [String.fromCodePoint(...(input as number[]))];
      case 'to_entries/0':
        return [Object.entries(input as object).map(([key, value]) => ({ key, value }))];
      case 'from_entries/0': {
        const out: Record<string, unknown> = {};
        for (const e of input as Array<Record<string, unknown>>) {
          const key = e.key ?? e.k ?? e.name ?? e.Name ?? e.Key ?? e.K;
          out[typeof key === 'string' ? key : toJsonText(key)] = e.value ?? e.v ?? e.Value ?? e.V ?? null;
        }
        return [out];
      }
      case 'with_entries/1': {
        const entries = Object.entries(input as object).map(([key, value]) => ({ key, value }));
        return this.call('from_entries', [], entries.flatMap((e) => this.eval(args[0]!, e, env)), env);
      }
      case 'first/0':
        return [(input as unknown[])[0] ?? null];
      case 'last/0':
        return [(input as unknown[])[(input as unknown[]).length - 1] ?? null];
      case 'nth/1':
        return this.eval(args[0]!, input, env).map((n) => (input as unknown[])[n as number] ?? null);
      case 'first/1':
        return this.eval(args[0]!, input, env).slice(0, 1);
      case 'last/1':
        return this.eval(args[0]!, input, env).slice(-1);
      case 'nth/2': {
        const n = this.one(args[0]!, input, env) as number;
        return this.eval(args[1]!, input, env).slice(n, n + 1);
      }
      case 'limit/2': {
        const n = this.one(args[0]!, input, env) as number;
        return n > 0 ? this.eval(args[1]!, input, env).slice(0, n) : [];
      }
      case 'isempty/1':
        return [this.eval(args[0]!, input, env).length === 0];
      case 'tojson/0':
        return [toJsonText(input)];
      case 'fromjson/0':
        try {
          return [JSON.parse(str(input, 'fromjson'))];
        } catch {
          throw new JqError(`jq: cannot parse '${String(input)}' as JSON`);
        }
      case 'error/0':
        throw new JqError(typeof input === 'string' ? input : toJsonText(input));
      case 'error/1':
        throw new JqError(String(this.one(args[0]!, input, env)));
      case 'index/1':
      case 'rindex/1':
        return this.eval(args[0]!, input, env).map((s) => {
          if (typeof input === 'string') {
            const i = name === 'index' ? input.indexOf(s as string) : input.lastIndexOf(s as string);
            return i < 0 ? null : i;
          }
          const list = input as unknown[];
          const i = name === 'index' ? list.findIndex((v) => compare(v, s) === 0) : list.map((v) => compare(v, s) === 0).lastIndexOf(true);
          return i < 0 ? null : i;
        });
      case 'indices/1':
        return this.eval(args[0]!, input, env).map((s) => {
          const out: number[] = [];
          if (typeof input === 'string') for (let i = input.indexOf(s as string); i >= 0; i = input.indexOf(s as string, i + 1)) out.push(i);
          else (input as unknown[]).forEach((v, i) => compare(v, s) === 0 && out.push(i));
          return out;
        });
      case 'tostream/0':
      case 'paths/0': {
        const out: unknown[] = [];
        const walk = (v: unknown, path: unknown[]) => {
          if (Array.isArray(v)) v.forEach((x, i) => (out.push([...path, i]), walk(x, [...path, i])));
          else if (typeName(v) === 'object') Object.entries(v as object).forEach(([k, x]) => (out.push([...path, k]), walk(x, [...path, k])));
        };
        walk(input, []);
        return out;
      }
      case 'getpath/1':
        return this.eval(args[0]!, input, env).map((path) => (path as unknown[]).reduce((v: unknown, p) => (v === null ? null : this.getIndex(v, p)), input));
      case 'del/1':
        return [this.deletePaths(input, args[0]!, env)];
      case 'to_array/0':
        return [Array.isArray(input) ? input : [input]];
      case 'arrays/0':
      case 'objects/0':
      case 'strings/0':
      case 'numbers/0':
      case 'booleans/0':
      case 'nulls/0':
      case 'iterables/0':
      case 'scalars/0': {
        const t = typeName(input);
        const keep =
          name === 'iterables' ? t === 'array' || t === 'object' : name === 'scalars' ? t !== 'array' && t !== 'object' : `${t}s` === name || (name === 'booleans' && t === 'boolean');
        return keep ? [input] : [];
      }
      case 'env/0':
        return [{}];
      case 'now/0':
        return [this.now.getTime() / 1000];
      case 'input/0':
      case 'inputs/0':
        return [];
      case 'splits/1':
        return str(input, 'splits').split(new RegExp(this.one(args[0]!, input, env) as string));
      case 'ascii/1':
      case 'infinite/0':
        return [Number.MAX_VALUE];
      case 'nan/0':
        return [Number.NaN];
      case 'isnan/0':
        return [Number.isNaN(input)];
      case 'combinations/0':
        return cartesian(input as unknown[][]);
      case 'walk/1': {
        const walk = (v: unknown): unknown => {
          let inner = v;
          if (Array.isArray(v)) inner = v.map(walk);
          else if (typeName(v) === 'object') inner = Object.fromEntries(Object.entries(v as object).map(([k, x]) => [k, walk(x)]));
          return this.one(args[0]!, inner, env);
        };
        return [walk(input)];
      }
      case 'debug/0':
      case 'stderr/0':
        return [input];
      case 'builtins/0':
        return [[]];
      case 'input_line_number/0':
        return [0];
      case 'halt/0':
        return [];
      case 'todate/0':
      case 'todateiso8601/0':
        return [new Date((input as number) * 1000).toISOString().replace(/\.\d{3}Z$/, 'Z')];
      case 'fromdate/0':
      case 'fromdateiso8601/0':
        return [Math.floor(Date.parse(str(input, 'fromdate')) / 1000)];
      case 'log/0':
        return [Math.log(input as number)];
      case 'pow/2':
        return [Math.pow(this.one(args[0]!, input, env) as number, this.one(args[1]!, input, env) as number)];
      case 'capture/1': {
        const m = new RegExp(this.one(args[0]!, input, env) as string).exec(str(input, 'capture'));
        return m ? [{ ...(m.groups ?? {}) }] : [];
      }
      case 'match/1': {
        const m = new RegExp(this.one(args[0]!, input, env) as string).exec(str(input, 'match'));
        return m ? [{ offset: m.index, length: m[0].length, string: m[0], captures: m.slice(1).map((c) => ({ string: c ?? null })) }] : [];
      }
      case 'add/1':
        return [this.eval(args[0]!, input, env).reduce((acc, v) => add(acc, v), null)];
    }
    throw new JqError(`jq: ${arity} is not defined`);
  }

  private sortBy(list: unknown[], f: JqNode, env: Env): unknown[] {
    return list
      .map((v) => ({ v, key: this.eval(f, v, env) }))
      .sort((a, b) => compare(a.key, b.key))
      .map((e) => e.v);
  }

  private deletePaths(input: unknown, f: JqNode, env: Env): unknown {
    // Supports del(.a), del(.a.b), del(.[0]) and del(.a, .b): simple paths only.
    const paths: unknown[][] = [];
    const collect = (node: JqNode): void => {
      if (node.k === 'comma') {
        collect(node.left);
        collect(node.right);
        return;
      }
      const path: unknown[] = [];
      let n: JqNode = node;
      while (n.k === 'field' || n.k === 'index') {
        path.unshift(n.k === 'field' ? n.name : this.one(n.index, input, env));
        n = n.target;
      }
      if (n.k !== 'identity') throw new JqError('jq: del() supports simple paths only');
      paths.push(path);
    };
    collect(f);
    const clone = JSON.parse(JSON.stringify(input ?? null)) as unknown;
    for (const path of paths.sort((a, b) => compare(b, a))) {
      let target = clone as Record<string | number, unknown> | unknown[] | null;
      for (const p of path.slice(0, -1)) target = target === null ? null : ((target as Record<string | number, unknown>)[p as string] as never);
      const last = path[path.length - 1];
      if (target === null || target === undefined) continue;
      if (Array.isArray(target) && typeof last === 'number') target.splice(last < 0 ? target.length + last : last, 1);
      else delete (target as Record<string, unknown>)[String(last)];
    }
    return clone;
  }
}

const compiled = new Map<string, JqNode>();

/** Runs a jq program on `input`; returns every output, as jq does. */
export function runJq(program: string, input: unknown, now: Date = new Date()): unknown[] {
  let node = compiled.get(program);
  if (!node) {
    node = new JqParser(lex(program)).parseAll();
    if (compiled.size > 1000) compiled.clear();
    compiled.set(program, node);
  }
  return new JqEvaluator(now).eval(node, input, new Map());
}
