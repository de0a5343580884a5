import { createReadStream, existsSync, statSync } from 'node:fs';
import { extname, join, normalize, sep } from 'node:path';

interface Request {
  method: string;
  path: string;
  headers: Record<string, string | string[] | undefined>;
}
interface Response {
  statusCode: number;
  setHeader(name: string, value: string | number): void;
  end(body?: string): void;
}
type Writable = Response & NodeJS.WritableStream;

const CONTENT_TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.map': 'application/json; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.woff2': 'font/woff2',
  '.woff': 'font/woff',
  '.ttf': 'font/ttf',
  '.wasm': 'application/wasm',
  '.txt': 'text/plain; charset=utf-8',
};

/** Vite names every built asset after its content hash: it never changes, so browsers keep it for good. */
const IMMUTABLE = 'public, max-age=31536000, immutable';
/** index.html names the current hashed assets: revalidate it on every load so a deploy shows at once. */
const REVALIDATE = 'no-cache';

/** Paths the UI never answers, in any letter case (Express routes case-insensitively). */
function isServerPath(path: string): boolean {
  const p = path.toLowerCase();
  return p === '/api' || p.startsWith('/api/') || p === '/health' || p.startsWith('/health/') || p === '/metrics' || p.startsWith('/metrics/');
}

/**
 * Serves the built web UI (`dir` holds index.html and assets/) at `/`: files as they are, any other GET that
 * is not an API, health or metrics path gets index.html (the UI's router reads the path). Without a build, a
 * short page says how to build it. Runs before the auth middleware: the UI's files hold no data, and the UI
 * asks for credentials itself when the API answers 401.
 */
export function staticUiMiddleware(dir: string | undefined) {
  const index = dir ? join(dir, 'index.html') : undefined;
  return (request: Request, response: Response, next: () => void): void => {
    if ((request.method !== 'GET' && request.method !== 'HEAD') || isServerPath(request.path)) return next();
    // The build may appear after the start (npm start builds the UI while the server boots in development).
    if (!index || !existsSync(index)) return notBuilt(request, response, dir);
    const file = resolveInside(dir!, request.path);
    const stats = file ? statOrUndefined(file) : undefined;
    if (file && stats?.isFile()) return sendFile(request, response as Writable, file, stats, file.includes(`${sep}assets${sep}`) ? IMMUTABLE : REVALIDATE);
    // A missing hashed asset is a 404, not index.html: a stale page must not parse HTML as a script.
    if (request.path.startsWith('/assets/')) {
      response.statusCode = 404;
      response.setHeader('Content-Type', 'text/plain; charset=utf-8');
      return response.end('not found');
    }
    const indexStats = statOrUndefined(index);
    if (!indexStats) return notBuilt(request, response, dir);
    sendFile(request, response as Writable, index, indexStats, REVALIDATE);
  };
}

function resolveInside(dir: string, urlPath: string): string | undefined {
  let decoded: string;
  try {
    decoded = decodeURIComponent(urlPath);
  } catch {
    return undefined;
  }
  if (decoded.includes('\0')) return undefined;
  const path = normalize(join(dir, decoded));
  return path === dir || path.startsWith(dir.endsWith(sep) ? dir : dir + sep) ? path : undefined;
}

function statOrUndefined(path: string) {
  try {
    return statSync(path);
  } catch {
    return undefined;
  }
}

function sendFile(request: Request, response: Writable, file: string, stats: { size: number; mtimeMs: number }, cacheControl: string): void {
  const etag = `W/"${stats.size.toString(16)}-${Math.floor(stats.mtimeMs).toString(16)}"`;
  response.setHeader('Content-Type', CONTENT_TYPES[extname(file).toLowerCase()] ?? 'application/octet-stream');
  response.setHeader('Cache-Control', cacheControl);
  response.setHeader('ETag', etag);
  response.setHeader('X-Content-Type-Options', 'nosniff');
  if (request.headers['if-none-match'] === etag) {
    response.statusCode = 304;
    return response.end();
  }
  response.statusCode = 200;
  response.setHeader('Content-Length', stats.size);
  if (request.method === 'HEAD') return response.end();
  createReadStream(file)
    .on('error', () => response.end())
    .pipe(response);
}

function notBuilt(request: Request, response: Response, dir: string | undefined): void {
  response.statusCode = 200;
  response.setHeader('Content-Type', 'text/html; charset=utf-8');
  response.setHeader('Cache-Control', REVALIDATE);
  if (request.method === 'HEAD') return response.end();
  const where = dir ? `<code>${escapeHtml(dir)}</code> holds no index.html` : 'no UI build was found';
  response.end(`<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Osprey: the UI is not built</title>
<style>body{font:15px/1.5 system-ui,sans-serif;max-width:44rem;margin:4rem auto;padding:0 1rem;color:#1a1f29}code{background:#eef0f4;padding:0 .3em;border-radius:4px}</style></head>
<body><h1>Osprey is running, but its web UI is not built</h1>
<p>The API answers at <a href="/api/v1/configs"><code>/api/v1/...</code></a> (see <a href="/api/v1/openapi.json">the OpenAPI document</a>); ${where}.</p>
<p>Build the UI from the repository root with <code>npm start</code> (it builds everything) or <code>cd apps/ui &amp;&amp; npx vite build</code>, then reload this page.
Set <code>OSPREY_UI_DIR</code> to serve a build from another folder.</p></body></html>
`);
}

function escapeHtml(text: string): string {
  return text.replace(/[&<>"]/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;' })[c]!);
}
