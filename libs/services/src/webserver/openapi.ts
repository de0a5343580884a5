import type { INestApplication } from '@nestjs/common';
import { DocumentBuilder, SwaggerModule, type OpenAPIObject } from '@nestjs/swagger';
import { ErrorResponse } from './api-models.js';
import { OSPREY_VERSION } from './configs.controller.js';

const PATH_ITEM_KEYS = new Set(['$ref', 'summary', 'description', 'get', 'put', 'post', 'delete', 'options', 'head', 'patch', 'trace', 'servers', 'parameters']);

/** Paths served without credentials even when auth is on (see the auth middleware). */
const OPEN_PATHS = ['/health/live', '/health/ready', '/metrics'];

/**
 * The OpenAPI document of every controller the application serves (all of `API_CONTROLLERS` plus health), built
 * from their decorators once at start. Operation ids are `<controller>.<method>` (e.g. `flows.create`).
 */
export function createOpenApiDocument(app: INestApplication, tenant?: string): OpenAPIObject {
  const config = new DocumentBuilder()
    .setTitle('Osprey API')
    .setDescription("Kestra-compatible REST API of Osprey: every operation under both `/api/v1/{tenant}/...` (Kestra's path form; one tenant is served) and `/api/v1/...`.")
    .setVersion(OSPREY_VERSION)
    .addBasicAuth({ type: 'http', scheme: 'basic' }, 'basicAuth')
    .addBearerAuth({ type: 'http', scheme: 'bearer' }, 'bearerAuth')
    .addSecurityRequirements('basicAuth')
    .addSecurityRequirements('bearerAuth')
    .build();
  const document = SwaggerModule.createDocument(app, config, {
    extraModels: [ErrorResponse],
    operationIdFactory: operationId,
  });
  // `@All` routes come out with every method Express knows, `search` among them, which OpenAPI 3.0 has no key for.
  for (const item of Object.values(document.paths)) {
    for (const key of Object.keys(item)) if (!PATH_ITEM_KEYS.has(key)) delete (item as Record<string, unknown>)[key];
  }
  // Answers given before any handler runs: 401 on every API path when auth is configured, 400 from the declared-query
  // guard for a query parameter the operation does not declare, and 413 for a body over maxUploadBytes wherever a body
  // is taken. All are JSON error bodies.
  const error = (description: string) => ({ description, content: { 'application/json': { schema: { $ref: '#/components/schemas/ErrorResponse' } } } });
  for (const [path, item] of Object.entries(document.paths)) {
    if (!path.startsWith('/api/')) continue;
    for (const operation of Object.values(item) as { responses?: Record<string, unknown>; requestBody?: unknown }[]) {
      if (!operation || typeof operation !== 'object' || !operation.responses) continue;
      operation.responses['401'] ??= error('Missing or invalid credentials (when auth is configured).');
      operation.responses['400'] ??= error('A query parameter the operation does not declare, or of the wrong type: the body names it.');
      if (operation.requestBody) operation.responses['413'] ??= error('Larger than maxUploadBytes.');
    }
  }
  for (const path of OPEN_PATHS) {
    for (const operation of Object.values(document.paths[path] ?? {})) {
      if (operation && typeof operation === 'object' && 'responses' in operation) (operation as { security?: unknown[] }).security = [];
    }
  }
  if (tenant !== undefined) addTenantPaths(document, tenant);
  return document;
}

/**
 * Each `/api/v1/x` operation again as `/api/v1/{tenant}/x` (see tenant-paths.ts), with its own operation id
 * (`<id>_tenant`): the only tenant value served is in the parameter's enum, another is a 404 naming it.
 */
function addTenantPaths(document: OpenAPIObject, tenant: string): void {
  const tenantParam = { name: 'tenant', in: 'path' as const, required: true, schema: { type: 'string', enum: [tenant] }, description: `The tenant: only \`${tenant}\` is served.` };
  const notServed = { description: 'Unknown resource, or a tenant other than the one served (the body names it).', content: { 'application/json': { schema: { $ref: '#/components/schemas/ErrorResponse' } } } };
  for (const [path, item] of Object.entries(document.paths)) {
    if (!path.startsWith('/api/v1/')) continue;
    const copy: Record<string, unknown> = {};
    for (const [method, operation] of Object.entries(item as Record<string, unknown>)) {
      if (!operation || typeof operation !== 'object' || !('responses' in operation)) {
        copy[method] = operation;
        continue;
      }
      const op = structuredClone(operation) as { operationId?: string; parameters?: unknown[]; responses: Record<string, unknown> };
      if (op.operationId) op.operationId = `${op.operationId}_tenant`;
      op.parameters = [tenantParam, ...(op.parameters ?? [])];
      op.responses['404'] ??= notServed;
      copy[method] = op;
    }
    document.paths[`/api/v1/{tenant}/${path.slice('/api/v1/'.length)}`] = copy;
  }
}

/**
 * `<controller>.<method>`, e.g. `flows.create`: also how the declared-query guard finds a handler's operation. A
 * handler served at several paths comes as `<method>[<index>]`: its first path keeps the plain id (the guard's, and
 * every alias declares the same parameters), the others are `<method>_<index>`.
 */
export function operationId(controllerKey: string, methodKey: string): string {
  const alias = /^(.+)\[(\d+)\]$/.exec(methodKey);
  const method = alias ? (alias[2] === '0' ? alias[1]! : `${alias[1]}_${alias[2]}`) : methodKey;
  return `${lowerFirst(controllerKey.replace(/Controller$/, ''))}.${method}`;
}

function lowerFirst(text: string): string {
  return text.charAt(0).toLowerCase() + text.slice(1);
}

/**
 * The application's document, built from its decorators when first read (a request with a query string to check, or
 * GET /api/v1/openapi.json) rather than at start: building it scans every route, a sizeable part of start-up time.
 */
export class OpenApiDocument {
  private app?: INestApplication;
  private built?: OpenAPIObject;
  /** The tenant of `/api/v1/{tenant}/...` paths, when the API is served. */
  private tenant?: string;

  /** The application whose routes the document describes; its routes are final once it is created. */
  describe(app: INestApplication, tenant?: string): void {
    this.app = app;
    this.tenant = tenant;
    this.built = undefined;
  }

  get document(): OpenAPIObject {
    if (!this.app) throw new Error('OpenApiDocument: describe(app) was not called');
    return (this.built ??= createOpenApiDocument(this.app, this.tenant));
  }
}
