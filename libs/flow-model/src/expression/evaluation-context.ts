import { ExpressionError, UndefinedValueError } from './expression-error.js';
import type { RenderOptions } from './render-options.js';
import type { CompiledTemplate, TemplateNode } from './template-ast.js';
import type { Zone } from './zoned-date-time.js';

/** Arguments of a filter, function or test call: positional and named. */
export class CallArguments {
  constructor(
    readonly positional: unknown[],
    readonly named: Record<string, unknown>,
  ) {}

  /** The argument at `index` or named `name`; undefined when absent. */
  get(index: number, name: string): unknown {
    if (Object.prototype.hasOwnProperty.call(this.named, name)) return this.named[name];
    return index < this.positional.length ? this.positional[index] : undefined;
  }

  has(index: number, name: string): boolean {
    return Object.prototype.hasOwnProperty.call(this.named, name) || index < this.positional.length;
  }
}

/** What a filter, function or test may use from the running evaluation. */
export interface CallContext {
  options: RenderOptions;
  zone: Zone;
  template: CompiledTemplate;
  /** Offset of the call in the template, for errors. */
  offset: number;
  /** All variables visible at the call (root variables and `set` ones). */
  variables(): Record<string, unknown>;
  /** Renders `text` as a template with the visible variables (for `render()`). */
  renderString(text: string): string;
  /** Renders a named `{% block %}` again (`block('name')`). */
  renderBlock(name: string): string;
  fail(message: string): never;
  undefinedValue(message: string): never;
  now(): Date;
}

export type FilterFunction = (input: unknown, args: CallArguments, ctx: CallContext) => unknown;
export type PebbleFunction = (args: CallArguments, ctx: CallContext) => unknown;
export type TestFunction = (input: unknown, args: CallArguments, ctx: CallContext) => boolean;

export function failAt(template: CompiledTemplate, offset: number, message: string): never {
  throw new ExpressionError(message, template.source, offset);
}

export function undefinedAt(template: CompiledTemplate, offset: number, message: string): never {
  throw new UndefinedValueError(message, template.source, offset);
}

export type { TemplateNode };
