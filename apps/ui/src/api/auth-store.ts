// The Authorization header value for API calls, kept for the browser tab only (sessionStorage).
const KEY = 'osprey.auth';

/**
 * Fetch credentials mode of every API call: the Authorization header is set by hand, and `omit` keeps the
 * browser from answering the API's `WWW-Authenticate: Basic` 401 with its own password prompt (our login page
 * asks instead).
 */
export const CREDENTIALS: RequestCredentials = 'omit';
type Listener = () => void;
const listeners = new Set<Listener>();

export function authHeader(): string | undefined {
  try {
    return sessionStorage.getItem(KEY) ?? undefined;
  } catch {
    return undefined; // storage blocked (private mode): calls go without credentials
  }
}

export function setAuthHeader(value: string | undefined): void {
  if (value) sessionStorage.setItem(KEY, value);
  else sessionStorage.removeItem(KEY);
  for (const listener of listeners) listener();
}

export function basicAuth(username: string, password: string): string {
  const bytes = new TextEncoder().encode(`${username}:${password}`);
  let binary = '';
  for (const b of bytes) binary += String.fromCharCode(b);
  return `Basic ${btoa(binary)}`;
}

/** Called when the API answers 401: the app shows the login page. */
export function onUnauthorized(listener: Listener): () => void {
  unauthorizedListeners.add(listener);
  return () => unauthorizedListeners.delete(listener);
}
const unauthorizedListeners = new Set<Listener>();
export function notifyUnauthorized(): void {
  for (const listener of unauthorizedListeners) listener();
}

export function onAuthChange(listener: Listener): () => void {
  listeners.add(listener);
  return () => listeners.delete(listener);
}
