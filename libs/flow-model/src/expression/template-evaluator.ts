import { ExpressionError, UndefinedValueError } from './expression-error.js';
import { CallArguments, type CallContext } from './evaluation-context.js';
import { FILTERS } from './pebble-filters.js';
import { FUNCTIONS } from './pebble-functions.js';
import { TESTS } from './pebble-tests.js';
import { callMethod, getAttribute } from './member-access.js';
import {
  compareValues,
  describe,
  double,
  isDouble,
  isMap,
  isNumber,
  isTruthy,
  JavaDouble,
  toNumber,
  toText,
  valuesEqual,
  type MapEntry,
} from './pebble-values.js';
import { range } from './pebble-range.js';
import type { RenderOptions } from './render-options.js';
import type { Argument, CompiledTemplate, Expr, TemplateNode } from './template-ast.js';
import { UTC, zoneOf, type Zone } from './zoned-date-time.js';

export const MAX_RENDER_DEPTH = 10;

/** How a template is rendered: variables, outside-world callbacks, `render()` nesting. */
export interface EvaluationSettings {
  options: RenderOptions;
  /** Renders another template text (used by `render()`); depth guards against cycles. */
  renderNested: (text: string, variables: Record<string, unknown>, depth: number) => string;
  depth: number;
}

/** Java's `String.valueOf` for `~` concatenation: maps as `{a=1}`, lists as `[1, 2]`. */
function javaString(value: unknown): string {
  if (value === null || value === undefined) return '';
  if (Array.isArray(value)) return `[${value.map((v) => (v === null ? 'null' : javaString(v))).join(', ')}]`;
  if (isMap(value)) return `{${Object.entries(value).map(([k, v]) => `${k}=${v === null ? 'null' : javaString(v)}`).join(', ')}}`;
  return toText(value);
}

function arithmetic(op: string, a: unknown, b: unknown): unknown {
  if (!isNumber(a) || !isNumber(b)) {
    throw new TypeError(`operator '${op}' needs numbers, got '${describe(a)}' and '${describe(b)}'`);
  }
  const x = toNumber(a);
  const y = toNumber(b);
  if (isDouble(a) || isDouble(b)) {
    switch (op) {
      case '+':
        return double(x + y);
      case '-':
        return double(x - y);
      case '*':
        return double(x * y);
      case '/':
        return double(x / y);
      default:
        return double(x % y);
    }
  }
  switch (op) {
    case '+':
      return x + y;
    case '-':
      return x - y;
    case '*':
      return x * y;
    case '/':
      if (y === 0) throw new RangeError('/ by zero');
      return Math.trunc(x / y);
    default:
      if (y === 0) throw new RangeError('/ by zero');
      return x % y;
  }
}

function contains(container: unknown, item: unknown): boolean {
  if (container === null || container === undefined) return false;
  if (typeof container === 'string') return Array.isArray(item) ? item.every((i) => container.includes(toText(i))) : container.includes(toText(item));
  if (Array.isArray(container)) {
    if (Array.isArray(item)) return item.every((i) => container.some((c) => valuesEqual(c, i)));
    return container.some((c) => valuesEqual(c, item));
  }
  if (isMap(container)) {
    if (Array.isArray(item)) return item.every((i) => Object.prototype.hasOwnProperty.call(container, toText(i)));
    return Object.prototype.hasOwnProperty.call(container, toText(item));
  }
  return false;
}

/** Renders a compiled template against a scope chain of variables. */
export class TemplateEvaluator {
  private readonly scopes: Array<Record<string, unknown>>;
  private readonly blocks = new Map<string, TemplateNode[]>();
  private readonly zone: Zone;

  constructor(
    private readonly template: CompiledTemplate,
    variables: Record<string, unknown>,
    private readonly settings: EvaluationSettings,
  ) {
    this.scopes = [variables, {}];
    const tz = settings.options.timeZone;
    this.zone = tz ? zoneOf(tz) : UTC;
  }

  render(): string {
    const out: string[] = [];
    this.renderNodes(this.template.nodes, out);
    return out.join('');
  }

  private fail(offset: number, message: string): never {
    throw new ExpressionError(message, this.template.source, offset);
  }

  private missing(offset: number, message: string): never {
    throw new UndefinedValueError(message, this.template.source, offset);
  }

  private visibleVariables(): Record<string, unknown> {
    return Object.assign({}, ...this.scopes) as Record<string, unknown>;
  }

  private renderNodes(nodes: TemplateNode[], out: string[]): void {
    for (const node of nodes) {
      switch (node.k) {
        case 'text':
          out.push(node.v);
          break;
        case 'output':
          out.push(toText(this.evaluate(node.e)));
          break;
        case 'if': {
          const branch = node.branches.find((b) => isTruthy(this.evaluate(b.cond)));
          if (branch) this.renderNodes(branch.body, out);
          else if (node.otherwise) this.renderNodes(node.otherwise, out);
          break;
        }
        case 'for':
          this.renderFor(node, out);
          break;
        case 'set':
          this.scopes[this.scopes.length - 1]![node.name] = this.evaluate(node.e);
          break;
        case 'block':
          this.blocks.set(node.name, node.body);
          this.renderNodes(node.body, out);
          break;
        case 'filterBlock': {
          const inner: string[] = [];
          this.renderNodes(node.body, inner);
          let value: unknown = inner.join('');
          for (const f of node.filters) value = this.applyFilter(f.name, value, f.args, f.p);
          out.push(toText(value));
          break;
        }
      }
    }
  }

  private renderFor(node: Extract<TemplateNode, { k: 'for' }>, out: string[]): void {
    const iterable = this.evaluate(node.iterable);
    let items: unknown[];
    if (iterable === null || iterable === undefined) items = [];
    else if (Array.isArray(iterable)) items = iterable;
    else if (isMap(iterable)) items = Object.entries(iterable).map(([key, value]): MapEntry => ({ key, value }));
    else if (typeof iterable === 'string') items = [...iterable];
    else this.fail(node.iterable.p, `Cannot iterate over '${describe(iterable)}'`);
    if (items.length === 0) {
      if (node.otherwise) this.renderNodes(node.otherwise, out);
      return;
    }
    const parentLoop = this.lookupVariable('loop');
    const scope: Record<string, unknown> = {};
    this.scopes.push(scope);
    try {
      items.forEach((item, index) => {
        if (node.vars.length === 1) scope[node.vars[0]!] = item;
        else if (isMap(iterable)) {
          scope[node.vars[0]!] = (item as MapEntry).key;
          scope[node.vars[1]!] = (item as MapEntry).value;
        } else {
          scope[node.vars[0]!] = index;
          scope[node.vars[1]!] = item;
        }
        scope.loop = {
          index,
          revindex: items.length - index - 1,
          first: index === 0,
          last: index === items.length - 1,
          length: items.length,
          ...(parentLoop.found ? { parent: parentLoop.value } : {}),
        };
        this.renderNodes(node.body, out);
      });
    } finally {
      this.scopes.pop();
    }
  }

  private lookupVariable(name: string): { found: boolean; value?: unknown } {
    for (let i = this.scopes.length - 1; i >= 0; i--) {
      const scope = this.scopes[i]!;
      if (Object.prototype.hasOwnProperty.call(scope, name)) return { found: true, value: scope[name] };
    }
    return { found: false };
  }

  /** Evaluates an expression to a value; missing variables throw UndefinedValueError. */
  evaluate(e: Expr): unknown {
    switch (e.k) {
      case 'lit':
        return e.v;
      case 'var': {
        const found = this.lookupVariable(e.name);
        if (!found.found) this.missing(e.p, `Missing variable: '${e.name}'`);
        return found.value;
      }
      case 'attr': {
        const obj = this.evaluate(e.obj);
        const key = this.evaluate(e.key);
        if (obj === null || obj === undefined) {
          this.missing(e.p, `Cannot read attribute '${toText(key)}' of null`);
        }
        const result = getAttribute(obj, key);
        if (!result.found) this.missing(e.p, `Missing attribute '${toText(key)}' on '${describe(obj)}'`);
        return result.value;
      }
      case 'method': {
        const obj = this.evaluate(e.obj);
        const args = e.args.map((a) => this.evaluate(a.value));
        if (obj === null || obj === undefined) this.missing(e.p, `Cannot call '${e.name}()' on null`);
        if (isMap(obj) && Object.prototype.hasOwnProperty.call(obj, e.name) && args.length === 0 && typeof obj[e.name] !== 'function') {
          return obj[e.name];
        }
        const result = this.guard(e.p, () => callMethod(obj, e.name, args));
        if (!result.found) this.fail(e.p, `Unknown method '${e.name}' on '${describe(obj)}'`);
        return result.value;
      }
      case 'call':
        return this.callFunction(e.name, e.args, e.p);
      case 'filter':
        return this.applyFilter(e.name, e.input, e.args, e.p);
      case 'test':
        return this.applyTest(e);
      case 'unary': {
        const v = this.evaluate(e.operand);
        if (e.op === 'not') return !isTruthy(v);
        if (!isNumber(v)) this.fail(e.p, `Unary '${e.op}' needs a number, got '${describe(v)}'`);
        if (e.op === '+') return v;
        return v instanceof JavaDouble ? new JavaDouble(-v.value) : typeof v === 'bigint' ? -v : -(v as number);
      }
      case 'binary':
        return this.binary(e);
      case 'ternary': {
        const cond = this.evaluate(e.cond);
        if (e.then === e.cond) return isTruthy(cond) ? cond : this.evaluate(e.otherwise);
        return isTruthy(cond) ? this.evaluate(e.then) : this.evaluate(e.otherwise);
      }
      case 'list':
        return e.items.map((i) => this.evaluate(i));
      case 'map': {
        const out: Record<string, unknown> = {};
        for (const [k, v] of e.entries) out[toText(this.evaluate(k))] = this.evaluate(v);
        return out;
      }
    }
  }

  /** Runs `fn`, turning plain errors (type errors from values) into positioned ExpressionErrors. */
  private guard<T>(offset: number, fn: () => T): T {
    try {
      return fn();
    } catch (err) {
      if (err instanceof ExpressionError) throw err;
      this.fail(offset, err instanceof Error ? err.message : String(err));
    }
  }

  private binary(e: Extract<Expr, { k: 'binary' }>): unknown {
    switch (e.op) {
      case '??': {
        try {
          const left = this.evaluate(e.left);
          if (left !== null && left !== undefined) return left;
        } catch (err) {
          if (!(err instanceof UndefinedValueError)) throw err;
        }
        return this.evaluate(e.right);
      }
      case '???': {
        try {
          return this.evaluate(e.left);
        } catch (err) {
          if (!(err instanceof UndefinedValueError)) throw err;
        }
        return this.evaluate(e.right);
      }
      case 'and':
        return isTruthy(this.evaluate(e.left)) && isTruthy(this.evaluate(e.right));
      case 'or':
        return isTruthy(this.evaluate(e.left)) || isTruthy(this.evaluate(e.right));
    }
    const left = this.evaluate(e.left);
    const right = this.evaluate(e.right);
    return this.guard(e.p, () => {
      switch (e.op) {
        case '==':
        case 'equals':
          return valuesEqual(left, right);
        case '!=':
          return !valuesEqual(left, right);
        case '<':
        case '>':
        case '<=':
        case '>=': {
          if (left === null || left === undefined || right === null || right === undefined) return false;
          const c = compareValues(left, right);
          return e.op === '<' ? c < 0 : e.op === '>' ? c > 0 : e.op === '<=' ? c <= 0 : c >= 0;
        }
        case '~':
          return javaString(left) + javaString(right);
        case '+':
          if (typeof left === 'string' || typeof right === 'string') return javaString(left) + javaString(right);
          if (Array.isArray(left)) return Array.isArray(right) ? [...left, ...right] : [...left, right];
          return arithmetic('+', left, right);
        case '-':
          if (Array.isArray(left)) return left.filter((v) => !(Array.isArray(right) ? right.some((r) => valuesEqual(r, v)) : valuesEqual(v, right)));
          return arithmetic('-', left, right);
        case '*':
        case '/':
        case '%':
          return arithmetic(e.op, left, right);
        case '..':
          return range(left, right);
        case 'contains':
          return contains(left, right);
        case 'in':
          return contains(right, left);
        case 'not in':
          return !contains(right, left);
        default:
          throw new Error(`Unknown operator '${e.op}'`);
      }
    });
  }

  private evaluateArguments(args: Argument[]): CallArguments {
    const positional: unknown[] = [];
    const named: Record<string, unknown> = {};
    for (const a of args) {
      const v = this.evaluate(a.value);
      if (a.name !== undefined) named[a.name] = v;
      else positional.push(v);
    }
    return new CallArguments(positional, named);
  }

  private context(offset: number): CallContext {
    return {
      options: this.settings.options,
      zone: this.zone,
      template: this.template,
      offset,
      variables: () => this.visibleVariables(),
      renderString: (text) => this.settings.renderNested(text, this.visibleVariables(), this.settings.depth + 1),
      renderBlock: (name) => {
        const body = this.blocks.get(name);
        if (!body) this.fail(offset, `Block '${name}' does not exist`);
        const out: string[] = [];
        this.renderNodes(body, out);
        return out.join('');
      },
      fail: (message) => this.fail(offset, message),
      undefinedValue: (message) => this.missing(offset, message),
      now: () => (this.settings.options.now ? this.settings.options.now() : new Date()),
    };
  }

  private callFunction(name: string, args: Argument[], offset: number): unknown {
    const fn = FUNCTIONS[name];
    if (!fn) {
      const macro = this.template.macros.get(name);
      if (macro) return this.callMacro(macro, args);
      const custom = this.settings.options.functions?.[name];
      if (custom) {
        const evaluated = this.evaluateArguments(args);
        return this.guard(offset, () => custom(...evaluated.positional));
      }
      this.fail(offset, `Function or macro '${name}' does not exist`);
    }
    const evaluated = this.evaluateArguments(args);
    return this.guard(offset, () => fn(evaluated, this.context(offset)));
  }

  private callMacro(macro: NonNullable<ReturnType<CompiledTemplate['macros']['get']>>, args: Argument[]): string {
    const evaluated = this.evaluateArguments(args);
    const scope: Record<string, unknown> = {};
    macro.params.forEach((param, i) => {
      scope[param.name] = evaluated.has(i, param.name)
        ? evaluated.get(i, param.name)
        : param.defaultValue
          ? this.evaluate(param.defaultValue)
          : null;
    });
    // Pebble macros only see their arguments (and the root variables).
    const saved = this.scopes.splice(1);
    this.scopes.push(scope);
    try {
      const out: string[] = [];
      this.renderNodes(macro.body, out);
      return out.join('');
    } finally {
      this.scopes.splice(1);
      this.scopes.push(...saved);
    }
  }

  private applyFilter(name: string, inputExpr: Expr | unknown, args: Argument[], offset: number): unknown {
    const filter = FILTERS[name];
    if (!filter) this.fail(offset, `Filter '${name}' does not exist`);
    let input: unknown;
    if (isExpr(inputExpr)) {
      if (name === 'default') {
        // Pebble's `default` filter tolerates an undefined input even in strict mode.
        try {
          input = this.evaluate(inputExpr);
        } catch (err) {
          if (!(err instanceof UndefinedValueError)) throw err;
          input = null;
        }
      } else input = this.evaluate(inputExpr);
    } else input = inputExpr;
    const evaluated = this.evaluateArguments(args);
    return this.guard(offset, () => filter(input, evaluated, this.context(offset)));
  }

  private applyTest(e: Extract<Expr, { k: 'test' }>): boolean {
    if (e.name === 'defined') {
      try {
        this.evaluate(e.input);
        return !e.negate;
      } catch (err) {
        if (err instanceof UndefinedValueError) return e.negate;
        throw err;
      }
    }
    const test = TESTS[e.name];
    if (!test) this.fail(e.p, `Test '${e.name}' does not exist`);
    const input = this.evaluate(e.input);
    const evaluated = this.evaluateArguments(e.args);
    const result = this.guard(e.p, () => test(input, evaluated, this.context(e.p)));
    return e.negate ? !result : result;
  }
}

function isExpr(value: unknown): value is Expr {
  return typeof value === 'object' && value !== null && 'k' in value && 'p' in value && !(value instanceof JavaDouble);
}
