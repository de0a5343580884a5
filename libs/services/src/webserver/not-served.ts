import type { OpenAPIObject } from '@nestjs/swagger';
import { NotSupportedError } from '../not-supported-error.js';
import { KESTRA_OPERATIONS, type KestraOperation } from './kestra-operations.js';

const API_PREFIX = '/api/v1';

interface Request {
  method: string;
  url: string;
}

interface Template {
  segments: readonly string[];
  literals: number;
}

function template(path: string): Template {
  const segments = path.split('/').filter((s) => s !== '');
  return { segments, literals: segments.filter((s) => !s.startsWith('{')).length };
}

function matches(t: Template, segments: readonly string[]): boolean {
  return t.segments.length === segments.length && t.segments.every((s, i) => s.startsWith('{') || s === segments[i]);
}

/** The routes the document declares under `/api/v1` (not their `{tenant}` copies), by method. */
function servedTemplates(document: OpenAPIObject): Map<string, Template[]> {
  const served = new Map<string, Template[]>();
  for (const [path, item] of Object.entries(document.paths)) {
    if (!path.startsWith(`${API_PREFIX}/`) || path.startsWith(`${API_PREFIX}/{tenant}/`)) continue;
    for (const method of Object.keys(item)) {
      const list = served.get(method.toUpperCase()) ?? [];
      list.push(template(path.slice(API_PREFIX.length)));
      served.set(method.toUpperCase(), list);
    }
  }
  return served;
}

/**
 * The Kestra operation a request is for when Osprey serves no route for it: the most specific template (most literal
 * segments) among Kestra's operations and Osprey's routes wins, as in Kestra's router, so `DELETE /executions/by-ids`
 * is Kestra's bulk delete and not the execution with id `by-ids`.
 */
export function notServedOperation(method: string, path: string, served: Map<string, Template[]>, operations: readonly KestraOperation[] = KESTRA_OPERATIONS): KestraOperation | undefined {
  const segments = path.split('/').filter((s) => s !== '');
  let best: { operation: KestraOperation; literals: number } | undefined;
  for (const operation of operations) {
    if (operation.method !== method) continue;
    const t = template(operation.path);
    if (matches(t, segments) && (!best || t.literals > best.literals)) best = { operation, literals: t.literals };
  }
  if (!best) return undefined;
  const ours = (served.get(method) ?? []).some((t) => matches(t, segments) && t.literals >= best.literals);
  return ours ? undefined : best.operation;
}

/**
 * Answers a request for an operation of Kestra's API that Osprey does not serve with 501 naming it, before routing
 * (runs after the tenant rewrite): never a 404, nor another route whose pattern happens to match. The document is
 * read at the first request that matches one of Kestra's operations.
 */
export function notServedMiddleware(document: { readonly document: OpenAPIObject }) {
  let served: Map<string, Template[]> | undefined;
  const kestra = KESTRA_OPERATIONS.map((o) => ({ method: o.method, template: template(o.path) }));
  return (request: Request, _response: unknown, next: (error?: unknown) => void): void => {
    const url = request.url.split('?', 1)[0]!;
    if (!url.startsWith(`${API_PREFIX}/`)) return next();
    const path = url.slice(API_PREFIX.length);
    const method = request.method.toUpperCase();
    // A request no Kestra operation matches needs no document.
    const segments = path.split('/').filter((s) => s !== '');
    if (!kestra.some((o) => o.method === method && matches(o.template, segments))) return next();
    served ??= servedTemplates(document.document);
    const operation = notServedOperation(method, path, served);
    if (!operation) return next();
    next(new NotSupportedError(`${operation.operation} (${operation.method} /api/v1${operation.path}, Kestra's ${operation.tag.replace(/_/g, ' ')} API)`));
  };
}

/** The first path segments of Kestra's operations (`dashboards`, `tenants`, ...): API roots, not tenant ids. */
export function kestraRoots(): Set<string> {
  return new Set(KESTRA_OPERATIONS.map((o) => template(o.path).segments[0]!).filter((s) => s && !s.startsWith('{')).map((s) => s.toLowerCase()));
}
