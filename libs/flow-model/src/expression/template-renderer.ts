import { ExpressionError } from './expression-error.js';
import { plain, toText } from './pebble-values.js';
import type { RenderOptions } from './render-options.js';
import type { CompiledTemplate } from './template-ast.js';
import { MAX_RENDER_DEPTH, TemplateEvaluator, type EvaluationSettings } from './template-evaluator.js';
import { parseBareExpression, parseTemplate } from './template-parser.js';
import type { Expr } from './template-ast.js';

const CACHE_SIZE = 5000;

/** Bounded LRU of compiled templates: the executor renders the same texts over and over. */
class CompiledCache<T> {
  private readonly entries = new Map<string, T>();
  constructor(private readonly max: number) {}

  get(key: string, build: () => T): T {
    const hit = this.entries.get(key);
    if (hit !== undefined) {
      this.entries.delete(key);
      this.entries.set(key, hit);
      return hit;
    }
    const value = build();
    this.entries.set(key, value);
    if (this.entries.size > this.max) this.entries.delete(this.entries.keys().next().value as string);
    return value;
  }
}

const templates = new CompiledCache<CompiledTemplate>(CACHE_SIZE);
const expressions = new CompiledCache<CompiledTemplate>(CACHE_SIZE);

export function compileTemplate(template: string): CompiledTemplate {
  return templates.get(template, () => parseTemplate(template));
}

function compileBareExpression(source: string): CompiledTemplate {
  return expressions.get(source, () => {
    const e: Expr = parseBareExpression(source);
    return { source, nodes: [{ k: 'output', e, p: 0 }], macros: new Map() };
  });
}

/** True when the text holds `{{` or `{%` (a template rather than a plain value). */
export function isTemplate(value: string): boolean {
  return value.includes('{{') || value.includes('{%');
}

function settings(options: RenderOptions, depth: number): EvaluationSettings {
  return {
    options,
    depth,
    renderNested: (text, variables, nestedDepth) => {
      if (nestedDepth > MAX_RENDER_DEPTH) throw new ExpressionError('Maximum render() nesting depth exceeded', text, 0);
      return renderAt(text, variables, options, nestedDepth);
    },
  };
}

function renderAt(template: string, variables: Record<string, unknown>, options: RenderOptions, depth: number): string {
  if (!isTemplate(template) && !template.includes('{#')) return template;
  return new TemplateEvaluator(compileTemplate(template), variables, settings(options, depth)).render();
}

/** Renders a Pebble template to text, as Kestra does (strict variables, JSON for maps and lists). */
export function renderTemplate(template: string, variables: Record<string, unknown>, options: RenderOptions = {}): string {
  return renderAt(template, variables, options, 0);
}

/** Renders strings as templates, maps (keys too) and lists deeply; other values are returned unchanged. */
export function renderValue<T>(value: T, variables: Record<string, unknown>, options: RenderOptions = {}): T {
  if (typeof value === 'string') return renderTemplate(value, variables, options) as T;
  if (Array.isArray(value)) return value.map((v: unknown) => renderValue(v, variables, options)) as T;
  if (value !== null && typeof value === 'object' && Object.getPrototypeOf(value) === Object.prototype) {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value as Record<string, unknown>)) {
      out[isTemplate(k) ? renderTemplate(k, variables, options) : k] = renderValue(v, variables, options);
    }
    return out as T;
  }
  return value;
}

/**
 * Evaluates an expression to a typed value: `{{ x > 3 }}` or `x > 3` gives a boolean. A template
 * that mixes text and expressions is rendered to text.
 */
export function evaluateExpression(template: string, variables: Record<string, unknown>, options: RenderOptions = {}): unknown {
  const compiled = isTemplate(template) ? compileTemplate(template) : compileBareExpression(template);
  const nodes = compiled.nodes.filter((n) => !(n.k === 'text' && n.v.trim() === ''));
  const evaluator = new TemplateEvaluator(compiled, variables, settings(options, 0));
  if (nodes.length === 1 && nodes[0]!.k === 'output') return plain(evaluator.evaluate(nodes[0]!.e));
  return evaluator.render();
}

export { toText as valueToText };
