import { ExpressionError } from './expression-error.js';
import { JavaDouble } from './pebble-values.js';
import type { Argument, CompiledTemplate, Expr, FilterCall, MacroDefinition, TemplateNode } from './template-ast.js';
import { TemplateLexer, type Token } from './template-lexer.js';

interface BinaryOperator {
  precedence: number;
}

/** Pebble's binary operators and precedences, plus Kestra's `??`, `???`, `in` and `not in`. */
const BINARY: Record<string, BinaryOperator> = {
  or: { precedence: 10 },
  and: { precedence: 15 },
  is: { precedence: 20 },
  'is not': { precedence: 20 },
  contains: { precedence: 20 },
  in: { precedence: 30 },
  'not in': { precedence: 30 },
  '==': { precedence: 30 },
  equals: { precedence: 30 },
  '!=': { precedence: 30 },
  '<': { precedence: 30 },
  '>': { precedence: 30 },
  '<=': { precedence: 30 },
  '>=': { precedence: 30 },
  '+': { precedence: 40 },
  '-': { precedence: 40 },
  '*': { precedence: 60 },
  '/': { precedence: 60 },
  '%': { precedence: 60 },
  '|': { precedence: 100 },
  '~': { precedence: 110 },
  '..': { precedence: 120 },
  '??': { precedence: 120 },
  '???': { precedence: 120 },
};

const UNARY: Record<string, number> = { not: 5, '-': 500, '+': 500, '!': 500 };

const LITERALS: Record<string, unknown> = {
  true: true,
  True: true,
  TRUE: true,
  false: false,
  False: false,
  FALSE: false,
  null: null,
  none: null,
  None: null,
  NULL: null,
  NONE: null,
};

/** Parses one expression (the inside of `{{ }}` or a tag argument) with Pebble's precedence rules. */
export class ExpressionParser {
  constructor(
    private readonly src: string,
    readonly lexer: TemplateLexer,
  ) {}

  private error(message: string, at: number): ExpressionError {
    return new ExpressionError(message, this.src, at);
  }

  private unexpected(t: Token): ExpressionError {
    if (t.type === 'close' || t.type === 'eof') return this.error('Unexpected end of expression', t.p);
    return this.error(`Unexpected token '${t.value}'`, t.p);
  }

  expectOp(value: string): Token {
    const t = this.lexer.next();
    if (t.type !== 'op' || t.value !== value) {
      throw this.error(`Expected '${value}' but found '${t.type === 'close' ? t.value : t.value || 'end'}'`, t.p);
    }
    return t;
  }

  isOp(value: string): boolean {
    const t = this.lexer.peek();
    return t.type === 'op' && t.value === value;
  }

  expectName(): Token {
    const t = this.lexer.next();
    if (t.type !== 'name') throw this.error(`Expected a name but found '${t.value || 'end'}'`, t.p);
    return t;
  }

  /** Reads the binary operator at the current token, if any, without consuming it. */
  private peekBinary(): { op: string; tokens: number } | undefined {
    const t = this.lexer.peek();
    if (t.type === 'op' && BINARY[t.value]) return { op: t.value, tokens: 1 };
    if (t.type !== 'name') return undefined;
    if (t.value === 'is') {
      const second = this.lexer.peekSecond();
      return second.type === 'name' && second.value === 'not' ? { op: 'is not', tokens: 2 } : { op: 'is', tokens: 1 };
    }
    if (t.value === 'not') {
      const second = this.lexer.peekSecond();
      return second.type === 'name' && second.value === 'in' ? { op: 'not in', tokens: 2 } : undefined;
    }
    return BINARY[t.value] && t.value !== 'is not' ? { op: t.value, tokens: 1 } : undefined;
  }

  parseExpression(minPrecedence = 0): Expr {
    let expr: Expr;
    const first = this.lexer.peek();
    if ((first.type === 'op' || first.type === 'name') && UNARY[first.value] !== undefined && !(first.type === 'name' && first.value !== 'not')) {
      this.lexer.next();
      const operand = this.parseExpression(UNARY[first.value]);
      expr = { k: 'unary', op: first.value === '!' ? 'not' : first.value, operand, p: first.p };
    } else {
      expr = this.parsePostfix(this.parsePrimary());
    }
    for (;;) {
      const found = this.peekBinary();
      if (!found) break;
      const precedence = BINARY[found.op]!.precedence;
      if (precedence < minPrecedence) break;
      const opToken = this.lexer.next();
      if (found.tokens === 2) this.lexer.next();
      if (found.op === '|') {
        const name = this.expectName();
        const args = this.isOp('(') ? this.parseArguments() : [];
        expr = { k: 'filter', input: expr, name: name.value, args, p: name.p };
      } else if (found.op === 'is' || found.op === 'is not') {
        const name = this.lexer.next();
        if (name.type !== 'name') throw this.error(`Expected a test name after 'is'`, name.p);
        const args = this.isOp('(') ? this.parseArguments() : [];
        expr = { k: 'test', input: expr, name: name.value, args, negate: found.op === 'is not', p: name.p };
      } else {
        const right = this.parseExpression(precedence + 1);
        expr = { k: 'binary', op: found.op, left: expr, right, p: opToken.p };
      }
    }
    if (minPrecedence === 0 && this.isOp('?')) {
      const q = this.lexer.next();
      if (this.isOp(':')) {
        // Elvis `a ?: b`
        this.lexer.next();
        const otherwise = this.parseExpression();
        return { k: 'ternary', cond: expr, then: expr, otherwise, p: q.p };
      }
      const then = this.parseExpression();
      this.expectOp(':');
      const otherwise = this.parseExpression();
      expr = { k: 'ternary', cond: expr, then, otherwise, p: q.p };
    }
    return expr;
  }

  private parsePrimary(): Expr {
    const t = this.lexer.next();
    switch (t.type) {
      case 'number': {
        const n = Number(t.value);
        return { k: 'lit', v: t.isDouble && Number.isInteger(n) ? new JavaDouble(n) : n, p: t.p };
      }
      case 'string':
        return t.parts ? this.interpolation(t) : { k: 'lit', v: t.value, p: t.p };
      case 'name': {
        if (Object.prototype.hasOwnProperty.call(LITERALS, t.value)) return { k: 'lit', v: LITERALS[t.value], p: t.p };
        if (this.isOp('(')) return { k: 'call', name: t.value, args: this.parseArguments(), p: t.p };
        return { k: 'var', name: t.value, p: t.p };
      }
      case 'op':
        if (t.value === '(') {
          const inner = this.parseExpression();
          this.expectOp(')');
          return inner;
        }
        if (t.value === '[') {
          const items: Expr[] = [];
          while (!this.isOp(']')) {
            items.push(this.parseExpression());
            if (!this.isOp(']')) this.expectOp(',');
          }
          this.lexer.next();
          return { k: 'list', items, p: t.p };
        }
        if (t.value === '{') {
          const entries: Array<[Expr, Expr]> = [];
          while (!this.isOp('}')) {
            const key = this.parseExpression();
            this.expectOp(':');
            entries.push([key, this.parseExpression()]);
            if (!this.isOp('}')) this.expectOp(',');
          }
          this.lexer.next();
          return { k: 'map', entries, p: t.p };
        }
        throw this.unexpected(t);
      default:
        throw this.unexpected(t);
    }
  }

  private interpolation(t: Token): Expr {
    let expr: Expr | undefined;
    for (const part of t.parts!) {
      let piece: Expr;
      if (typeof part === 'string') piece = { k: 'lit', v: part, p: t.p };
      else {
        const sub = new ExpressionParser(this.src, new TemplateLexer(this.src, part.start, part.end, null));
        piece = sub.parseExpression();
        const rest = sub.lexer.next();
        if (rest.type !== 'eof') throw sub.unexpected(rest);
      }
      expr = expr ? { k: 'binary', op: '~', left: expr, right: piece, p: t.p } : { k: 'binary', op: '~', left: { k: 'lit', v: '', p: t.p }, right: piece, p: t.p };
    }
    return expr!;
  }

  private parsePostfix(expr: Expr): Expr {
    for (;;) {
      const t = this.lexer.peek();
      if (t.type !== 'op') return expr;
      if (t.value === '.') {
        this.lexer.next();
        const name = this.lexer.next();
        if (name.type !== 'name' && name.type !== 'number') throw this.error(`Expected an attribute name after '.'`, name.p);
        if (name.type === 'name' && this.isOp('(')) {
          expr = { k: 'method', obj: expr, name: name.value, args: this.parseArguments(), p: name.p };
        } else {
          const key = name.type === 'number' ? Number(name.value) : name.value;
          expr = { k: 'attr', obj: expr, key: { k: 'lit', v: key, p: name.p }, p: name.p };
        }
      } else if (t.value === '[') {
        this.lexer.next();
        const key = this.parseExpression();
        this.expectOp(']');
        expr = { k: 'attr', obj: expr, key, p: t.p };
      } else {
        return expr;
      }
    }
  }

  parseArguments(): Argument[] {
    this.expectOp('(');
    const args: Argument[] = [];
    while (!this.isOp(')')) {
      const t = this.lexer.peek();
      if (t.type === 'name') {
        const second = this.lexer.peekSecond();
        if (second.type === 'op' && second.value === '=') {
          this.lexer.next();
          this.lexer.next();
          args.push({ name: t.value, value: this.parseExpression() });
          if (!this.isOp(')')) this.expectOp(',');
          continue;
        }
      }
      args.push({ value: this.parseExpression() });
      if (!this.isOp(')')) this.expectOp(',');
    }
    this.lexer.next();
    return args;
  }
}

interface TagStart {
  name: string;
  p: number;
  parser: ExpressionParser;
}

/** Turns a template into nodes: text, `{{ }}` outputs and `{% %}` tags, honouring `-` trims. */
class TemplateParser {
  private pos = 0;
  private lastText: { k: 'text'; v: string } | undefined;
  private trimNext = false;
  readonly macros = new Map<string, MacroDefinition>();

  constructor(private readonly src: string) {}

  private error(message: string, at: number): ExpressionError {
    return new ExpressionError(message, this.src, at);
  }

  parse(): TemplateNode[] {
    const { nodes, end } = this.parseBody([]);
    if (end) throw this.error(`Unexpected tag '${end.name}'`, end.p);
    return nodes;
  }

  private pushText(nodes: TemplateNode[], text: string): void {
    if (this.trimNext) {
      text = text.replace(/^\s+/, '');
      this.trimNext = false;
    }
    if (text === '') {
      this.lastText = undefined;
      return;
    }
    const node = { k: 'text' as const, v: text };
    nodes.push(node);
    this.lastText = node;
  }

  private trimPrevious(): void {
    if (this.lastText) this.lastText.v = this.lastText.v.replace(/\s+$/, '');
  }

  /** Parses nodes until one of `endTags` (or the end); returns the tag that stopped it. */
  private parseBody(endTags: string[]): { nodes: TemplateNode[]; end?: TagStart } {
    const nodes: TemplateNode[] = [];
    const src = this.src;
    while (this.pos < src.length) {
      const next = findNextDelimiter(src, this.pos);
      if (next < 0) {
        this.pushText(nodes, src.slice(this.pos));
        this.pos = src.length;
        break;
      }
      this.pushText(nodes, src.slice(this.pos, next));
      // Kestra cuts `{% raw %}` blocks out before Pebble runs: their `-` markers trim nothing.
      RAW_BLOCK.lastIndex = next;
      const raw = RAW_BLOCK.exec(src);
      if (raw && raw.index === next) {
        if (raw[1]) nodes.push({ k: 'text', v: raw[1] });
        this.lastText = undefined;
        this.trimNext = false;
        this.pos = next + raw[0].length;
        continue;
      }
      const open = src.slice(next, next + 2);
      const trimLeft = src[next + 2] === '-';
      this.pos = next + 2 + (trimLeft ? 1 : 0);
      if (trimLeft) this.trimPrevious();
      this.lastText = undefined;
      if (open === '{#') {
        const close = src.indexOf('#}', this.pos);
        if (close < 0) throw this.error('Unclosed comment', next);
        this.trimNext = src[close - 1] === '-';
        this.pos = close + 2;
        continue;
      }
      if (open === '{{') {
        const parser = new ExpressionParser(src, new TemplateLexer(src, this.pos, src.length, '}}'));
        const e = parser.parseExpression();
        this.finishTag(parser);
        nodes.push({ k: 'output', e, p: next });
        continue;
      }
      // {% tag %}
      const parser = new ExpressionParser(src, new TemplateLexer(src, this.pos, src.length, '%}'));
      const nameToken = parser.lexer.next();
      if (nameToken.type !== 'name') throw this.error('Expected a tag name', nameToken.p);
      const tag: TagStart = { name: nameToken.value, p: next, parser };
      if (endTags.includes(tag.name)) return { nodes, end: tag };
      nodes.push(...this.parseTag(tag));
    }
    if (endTags.length > 0) throw this.error(`Missing end tag: expected one of ${endTags.map((t) => `'${t}'`).join(', ')}`, this.src.length);
    return { nodes };
  }

  private finishTag(parser: ExpressionParser): void {
    const close = parser.lexer.next();
    if (close.type !== 'close') {
      throw this.error(`Unexpected token '${close.value}': expected the end of the tag`, close.p);
    }
    this.pos = parser.lexer.pos;
    this.trimNext = close.trim === true;
  }

  private parseTag(tag: TagStart): TemplateNode[] {
    const parser = tag.parser;
    switch (tag.name) {
      case 'if': {
        const branches: Array<{ cond: Expr; body: TemplateNode[] }> = [];
        let cond = parser.parseExpression();
        this.finishTag(parser);
        let otherwise: TemplateNode[] | undefined;
        for (;;) {
          const { nodes, end } = this.parseBody(['elseif', 'elif', 'else', 'endif']);
          branches.push({ cond, body: nodes });
          if (end!.name === 'endif') {
            this.finishTag(end!.parser);
            break;
          }
          if (end!.name === 'else') {
            this.finishTag(end!.parser);
            const rest = this.parseBody(['endif']);
            otherwise = rest.nodes;
            this.finishTag(rest.end!.parser);
            break;
          }
          cond = end!.parser.parseExpression();
          this.finishTag(end!.parser);
        }
        return [{ k: 'if', branches, otherwise, p: tag.p }];
      }
      case 'for': {
        const vars = [parser.expectName().value];
        while (parser.isOp(',')) {
          parser.lexer.next();
          vars.push(parser.expectName().value);
        }
        const inToken = parser.lexer.next();
        if (inToken.type !== 'name' || inToken.value !== 'in') throw this.error("Expected 'in' in for tag", inToken.p);
        const iterable = parser.parseExpression();
        this.finishTag(parser);
        const { nodes, end } = this.parseBody(['else', 'endfor']);
        this.finishTag(end!.parser);
        let otherwise: TemplateNode[] | undefined;
        if (end!.name === 'else') {
          const rest = this.parseBody(['endfor']);
          otherwise = rest.nodes;
          this.finishTag(rest.end!.parser);
        }
        return [{ k: 'for', vars, iterable, body: nodes, otherwise, p: tag.p }];
      }
      case 'set': {
        const name = parser.expectName().value;
        parser.expectOp('=');
        const e = parser.parseExpression();
        this.finishTag(parser);
        return [{ k: 'set', name, e, p: tag.p }];
      }
      case 'raw':
        throw this.error("Missing end tag: expected 'endraw'", tag.p);
      case 'verbatim': {
        this.finishTag(parser);
        const endRe = /\{%(-?)\s*endverbatim\s*(-?)%\}/g;
        endRe.lastIndex = this.pos;
        const m = endRe.exec(this.src);
        if (!m) throw this.error(`Missing end tag: expected 'end${tag.name}'`, tag.p);
        let content = this.src.slice(this.pos, m.index);
        if (this.trimNext) content = content.replace(/^\s+/, '');
        this.trimNext = false;
        if (m[1] === '-') content = content.replace(/\s+$/, '');
        this.pos = m.index + m[0].length;
        this.trimNext = m[2] === '-';
        this.lastText = undefined;
        return content ? [{ k: 'text', v: content }] : [];
      }
      case 'block': {
        const nameToken = parser.lexer.next();
        if (nameToken.type !== 'name' && nameToken.type !== 'string') throw this.error('Expected a block name', nameToken.p);
        this.finishTag(parser);
        const { nodes, end } = this.parseBody(['endblock']);
        this.skipToTagEnd(end!.parser);
        return [{ k: 'block', name: nameToken.value, body: nodes, p: tag.p }];
      }
      case 'filter': {
        const filters: FilterCall[] = [];
        do {
          const name = parser.expectName();
          filters.push({ name: name.value, args: parser.isOp('(') ? parser.parseArguments() : [], p: name.p });
        } while (parser.isOp('|') && parser.lexer.next());
        this.finishTag(parser);
        const { nodes, end } = this.parseBody(['endfilter']);
        this.finishTag(end!.parser);
        return [{ k: 'filterBlock', filters, body: nodes, p: tag.p }];
      }
      case 'macro': {
        const name = parser.expectName().value;
        parser.expectOp('(');
        const params: MacroDefinition['params'] = [];
        while (!parser.isOp(')')) {
          const param = parser.expectName().value;
          let defaultValue: Expr | undefined;
          if (parser.isOp('=')) {
            parser.lexer.next();
            defaultValue = parser.parseExpression();
          }
          params.push({ name: param, defaultValue });
          if (!parser.isOp(')')) parser.expectOp(',');
        }
        parser.lexer.next();
        this.finishTag(parser);
        const { nodes, end } = this.parseBody(['endmacro']);
        this.finishTag(end!.parser);
        this.macros.set(name, { name, params, body: nodes });
        return [];
      }
      default:
        throw this.error(`Unknown tag '${tag.name}'`, tag.p);
    }
  }

  /** `{% endblock name %}` may repeat the block name. */
  private skipToTagEnd(parser: ExpressionParser): void {
    const t = parser.lexer.peek();
    if (t.type === 'name' || t.type === 'string') parser.lexer.next();
    this.finishTag(parser);
  }
}

const RAW_BLOCK = /\{%-*\s*raw\s*-*%\}([\s\S]*?)\{%-*\s*endraw\s*-*%\}/y;

function findNextDelimiter(src: string, from: number): number {
  let i = src.indexOf('{', from);
  while (i >= 0) {
    const c = src[i + 1];
    if (c === '{' || c === '%' || c === '#') return i;
    i = src.indexOf('{', i + 1);
  }
  return -1;
}

export function parseTemplate(source: string): CompiledTemplate {
  const parser = new TemplateParser(source);
  const nodes = parser.parse();
  return { source, nodes, macros: parser.macros };
}

/** Parses a bare expression such as `x > 3` (no delimiters). */
export function parseBareExpression(source: string): Expr {
  const parser = new ExpressionParser(source, new TemplateLexer(source, 0, source.length, null));
  const e = parser.parseExpression();
  const rest = parser.lexer.next();
  if (rest.type !== 'eof') throw new ExpressionError(`Unexpected token '${rest.value}'`, source, rest.p);
  return e;
}
