import type { CanActivate, ExecutionContext } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import type { OpenAPIObject } from '@nestjs/swagger';
import { InvalidArgumentError } from '../invalid-argument-error.js';
import { flattenQuery, type RawQuery } from './filter-params.js';
import { operationId } from './openapi.js';
import { FREE_QUERY, UNSUPPORTED_QUERY } from './query-declarations.js';

interface ParamSchema {
  type?: string;
  format?: string;
  enum?: unknown[];
  items?: ParamSchema;
}

interface DeclaredParam {
  name: string;
  schema: ParamSchema;
  /** `filters[field][OPERATION]`: the endpoint's own parser checks the keys inside. */
  deepObject: boolean;
}

/**
 * Every route's query string against the query parameters its OpenAPI operation declares (the document built from the
 * same decorators, so the two cannot drift): an undeclared parameter, a repeated single one or a value of the wrong
 * type is a 400 naming it before the handler runs. Ranges and formats beyond the type stay with the handlers.
 */
export class DeclaredQueryGuard implements CanActivate {
  private operationsByName?: Map<string, DeclaredParam[]>;
  private readonly reflector = new Reflector();

  /** `document` is read at the first request with a query string: a request without one has nothing to refuse. */
  constructor(private readonly document: { readonly document: OpenAPIObject }) {}

  private get operations(): Map<string, DeclaredParam[]> {
    return (this.operationsByName ??= declaredParams(this.document.document));
  }

  canActivate(context: ExecutionContext): boolean {
    if (context.getType() !== 'http') return true;
    const query = context.switchToHttp().getRequest<{ query?: RawQuery }>().query ?? {};
    const entries = flattenQuery(query);
    if (entries.length === 0) return true;
    const handler = context.getHandler();
    if (this.reflector.get<boolean | undefined>(FREE_QUERY, handler) === true) return true;
    const declared = this.operations.get(operationId(context.getClass().name, handler.name));
    // A route outside the document (none today) is not this guard's to judge.
    if (!declared) return true;
    const unsupported = this.reflector.get<Record<string, string> | undefined>(UNSUPPORTED_QUERY, handler) ?? {};
    for (const [key, values] of entries) {
      const base = key.includes('[') ? key.slice(0, key.indexOf('[')) : key;
      const param = declared.find((p) => p.name === key || (p.deepObject && p.name === base));
      if (!param) {
        const reason = unsupported[key] ?? unsupported[base];
        if (reason !== undefined) throw new InvalidArgumentError(key, `query parameter ${JSON.stringify(key)} is not supported: ${reason}`);
        const takes = declared.map((p) => (p.deepObject ? `${p.name}[...]` : p.name));
        throw new InvalidArgumentError(key, `unknown query parameter ${JSON.stringify(key)}; this endpoint takes ${takes.length > 0 ? takes.join(', ') : 'none'}`);
      }
      if (!param.deepObject) checkValues(param, values);
    }
    return true;
  }
}

/** The query parameters each operation of the document declares, by operation id. */
function declaredParams(document: OpenAPIObject): Map<string, DeclaredParam[]> {
  const operations = new Map<string, DeclaredParam[]>();
  for (const item of Object.values(document.paths)) {
    for (const operation of Object.values(item) as { operationId?: string; parameters?: { in?: string; name?: string; schema?: ParamSchema; style?: string }[] }[]) {
      if (!operation || typeof operation !== 'object' || !operation.operationId) continue;
      const params = (operation.parameters ?? [])
        .filter((p) => p.in === 'query' && typeof p.name === 'string')
        .map((p) => ({ name: p.name!, schema: p.schema ?? {}, deepObject: p.style === 'deepObject' }));
      operations.set(operation.operationId, params);
    }
  }
  return operations;
}

function checkValues(param: DeclaredParam, values: string[]): void {
  const { name, schema } = param;
  if (schema.type !== 'array') {
    if (values.length > 1) throw new InvalidArgumentError(name, `${name} is given more than once`);
    checkValue(name, schema, values[0]!);
    return;
  }
  // Lists come repeated or comma-separated.
  for (const value of values.flatMap((v) => v.split(','))) checkValue(name, schema.items ?? {}, value.trim());
}

function checkValue(name: string, schema: ParamSchema, value: string): void {
  // An empty value stands for the parameter's absence, as the handlers read it.
  if (value === '') return;
  const got = JSON.stringify(value);
  if (schema.type === 'integer' && !/^-?\d+$/.test(value)) throw new InvalidArgumentError(name, `${name} must be an integer, got ${got}`);
  if (schema.type === 'number' && !Number.isFinite(Number(value))) throw new InvalidArgumentError(name, `${name} must be a number, got ${got}`);
  if (schema.type === 'boolean' && value !== 'true' && value !== 'false') throw new InvalidArgumentError(name, `${name} must be true or false, got ${got}`);
  if (schema.format === 'date-time' && Number.isNaN(Date.parse(value))) throw new InvalidArgumentError(name, `${name} must be an ISO-8601 date-time, got ${got}`);
  // Enumerations are matched without case, as the handlers always have (`minLevel=info`).
  if (schema.enum && !schema.enum.some((e) => String(e).toUpperCase() === value.toUpperCase())) {
    throw new InvalidArgumentError(name, `${name} ${got} is not one of ${schema.enum.join(', ')}`);
  }
}
