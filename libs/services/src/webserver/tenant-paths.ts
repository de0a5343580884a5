import { PATH_METADATA } from '@nestjs/common/constants';
import type { Type } from '@nestjs/common';

const API_PREFIX = '/api/v1/';

interface Request {
  url: string;
}
interface Response {
  status(code: number): Response;
  json(body: unknown): void;
}

/** Kestra's tenant id format (letters, digits, `_`, `-`), the form the config key `server.tenant` takes. */
export const TENANT_ID = /^[A-Za-z0-9][A-Za-z0-9_-]*$/;

/**
 * Kestra serves its API as `/api/v1/{tenant}/...` (its clients build every path so) and Osprey serves one tenant:
 * `/api/v1/<tenant>/x` is rewritten to `/api/v1/x` before routing, so each route is declared once and both forms reach
 * it. A first segment that is neither the tenant nor one of the API's own roots (`flows`, `executions`, ...) and has a
 * path after it is another tenant: a 404 that names the tenant served.
 */
export function tenantPathsMiddleware(tenant: string, roots: ReadonlySet<string>) {
  if (roots.has(tenant.toLowerCase())) throw new Error(`server.tenant ${JSON.stringify(tenant)} is also an API path (/api/v1/${tenant}); choose another tenant id`);
  const prefix = `${API_PREFIX}${tenant}/`;
  return (request: Request, response: Response, next: () => void): void => {
    const url = request.url;
    if (url.startsWith(prefix)) {
      request.url = API_PREFIX + url.slice(prefix.length);
      return next();
    }
    if (!url.startsWith(API_PREFIX)) return next();
    const rest = url.slice(API_PREFIX.length).split('?', 1)[0]!;
    const slash = rest.indexOf('/');
    if (slash <= 0 || slash === rest.length - 1) return next();
    const segment = rest.slice(0, slash);
    if (roots.has(decodeSegment(segment).toLowerCase())) return next();
    response.status(404).json({
      message: `tenant ${JSON.stringify(decodeSegment(segment))} is not served: this server serves tenant ${JSON.stringify(tenant)} (/api/v1/${tenant}/... or /api/v1/...)`,
      tenant,
    });
  };
}

/** The first path segments under `/api/v1/` of the routes of these controllers (`flows`, `executions`, ...). */
export function apiRoots(controllers: readonly Type[]): Set<string> {
  const roots = new Set<string>();
  for (const controller of controllers) {
    const base = String(Reflect.getMetadata(PATH_METADATA, controller) ?? '');
    const prototype = controller.prototype as Record<string, unknown>;
    for (const name of Object.getOwnPropertyNames(prototype)) {
      const handler = prototype[name];
      if (typeof handler !== 'function' || name === 'constructor') continue;
      const paths = Reflect.getMetadata(PATH_METADATA, handler) as string | string[] | undefined;
      if (paths === undefined) continue;
      for (const path of Array.isArray(paths) ? paths : [paths]) {
        const full = `/${base}/${path}`.replace(/\/+/g, '/');
        if (!full.startsWith(API_PREFIX)) continue;
        const first = full.slice(API_PREFIX.length).split('/', 1)[0]!;
        if (first !== '' && !first.startsWith(':')) roots.add(first.toLowerCase());
      }
    }
  }
  return roots;
}

function decodeSegment(segment: string): string {
  try {
    return decodeURIComponent(segment);
  } catch {
    return segment;
  }
}
