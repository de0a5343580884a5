// Typed fetch client of Osprey's REST API: credentials from the login page, JSON errors as ApiError.
import { authHeader, CREDENTIALS } from './auth-store.js';
import { toApiError } from './to-api-error.js';
import { queryString, type Query } from './query-string.js';

export { ApiError, errorMessage, type ApiErrorBody, type ApiViolation } from './api-error.js';
export { toApiError } from './to-api-error.js';
export { followSse, type SseHandlers } from './sse.js';
export type { Query } from './query-string.js';

export interface RequestOptions {
  query?: Query;
  headers?: Record<string, string>;
  signal?: AbortSignal;
}

/** Sends one request; resolves with the parsed JSON (or text, or undefined for 204). */
export async function request<T>(method: string, path: string, body?: BodyInit | object | null, options: RequestOptions = {}): Promise<T> {
  const headers: Record<string, string> = { Accept: 'application/json', ...options.headers };
  const auth = authHeader();
  if (auth) headers.Authorization = auth;
  let payload: BodyInit | undefined;
  if (body === undefined || body === null) payload = undefined;
  else if (typeof body === 'string' || body instanceof FormData || body instanceof Blob || body instanceof URLSearchParams) payload = body;
  else {
    payload = JSON.stringify(body);
    headers['Content-Type'] ??= 'application/json';
  }
  const response = await fetch(path + queryString(options.query), { method, headers, body: payload, signal: options.signal, credentials: CREDENTIALS });
  if (!response.ok) throw await toApiError(response);
  if (response.status === 204) return undefined as T;
  const type = response.headers.get('content-type') ?? '';
  if (type.includes('json')) return (await response.json()) as T;
  return (await response.text()) as T;
}

export const api = {
  get: <T>(path: string, query?: Query, options?: RequestOptions) => request<T>('GET', path, undefined, { ...options, query }),
  post: <T>(path: string, body?: BodyInit | object | null, options?: RequestOptions) => request<T>('POST', path, body, options),
  put: <T>(path: string, body?: BodyInit | object | null, options?: RequestOptions) => request<T>('PUT', path, body, options),
  patch: <T>(path: string, body?: BodyInit | object | null, options?: RequestOptions) => request<T>('PATCH', path, body, options),
  del: <T>(path: string, body?: BodyInit | object | null, options?: RequestOptions) => request<T>('DELETE', path, body, options),
  upload: <T>(path: string, form: FormData, options?: RequestOptions) => request<T>('POST', path, form, options),
  /** YAML text body (flows). */
  yaml: <T>(method: 'POST' | 'PUT', path: string, source: string, options?: RequestOptions) =>
    request<T>(method, path, source, { ...options, headers: { 'Content-Type': 'application/x-yaml', ...options?.headers } }),
  /** A URL for links and downloads (no Authorization header can be added to those). */
  url: (path: string, query?: Query) => path + queryString(query),
  /** Downloads a file with the Authorization header, then hands it to the browser. */
  download: async (path: string, query: Query | undefined, fileName: string) => {
    const headers: Record<string, string> = {};
    const auth = authHeader();
    if (auth) headers.Authorization = auth;
    const response = await fetch(path + queryString(query), { headers, credentials: CREDENTIALS });
    if (!response.ok) throw await toApiError(response);
    const url = URL.createObjectURL(await response.blob());
    const link = document.createElement('a');
    link.href = url;
    link.download = fileName;
    link.click();
    setTimeout(() => URL.revokeObjectURL(url), 10_000);
  },
};
