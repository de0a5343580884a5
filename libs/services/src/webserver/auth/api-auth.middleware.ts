import type { ApiCredentials } from './api-credentials.js';

interface Request {
  path: string;
  headers: Record<string, string | string[] | undefined>;
}
interface Response {
  status(code: number): Response;
  setHeader(name: string, value: string): void;
  json(body: unknown): void;
}

/** Paths served without credentials: probes and Prometheus scrapers carry none. */
const OPEN_PATHS = new Set(['/health/live', '/health/ready', '/metrics']);

/**
 * Guards every path but health and metrics when credentials are configured (so every `/api/...` path, in any
 * letter case Express would route): a request without valid basic credentials or bearer token gets 401 with a
 * JSON body, before its body is even read.
 */
export function apiAuthMiddleware(credentials: ApiCredentials) {
  return (request: Request, response: Response, next: () => void): void => {
    if (!credentials.enabled || OPEN_PATHS.has(request.path.toLowerCase().replace(/\/+$/, ''))) return next();
    const header = request.headers.authorization;
    const principal = credentials.authenticate(typeof header === 'string' ? header : undefined);
    if (principal) return next();
    const challenges = [credentials.basicEnabled ? 'Basic realm="osprey", charset="UTF-8"' : undefined, 'Bearer realm="osprey"'].filter(Boolean);
    response.setHeader('WWW-Authenticate', challenges.join(', '));
    response
      .status(401)
      .json({ message: header ? 'invalid credentials' : 'authentication required: send HTTP basic credentials or an API token (Authorization: Bearer <token>)' });
  };
}
