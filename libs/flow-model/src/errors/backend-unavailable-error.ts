/**
 * A backend's server (database, search engine, broker) cannot be reached or refuses work for now: the same request
 * may succeed later, and nothing was written. Each adapter's own error extends it, so callers and the API (503)
 * recognise it without importing the adapter.
 */
export class BackendUnavailableError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'BackendUnavailableError';
  }
}
