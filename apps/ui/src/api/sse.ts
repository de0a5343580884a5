// Server-Sent Events over fetch, not EventSource: EventSource cannot send the Authorization header.
import { authHeader, CREDENTIALS } from './auth-store.js';
import { toApiError } from './to-api-error.js';
import type { ApiError } from './api-error.js';
import { queryString, type Query } from './query-string.js';
import { SseParser } from './sse-parser.js';

export interface SseHandlers<T = unknown> {
  /** One event's JSON data. */
  onMessage: (data: T, id: string | undefined) => void;
  /** The stream could not open or broke (the API's error when it answered one). */
  onError?: (error: ApiError | Error) => void;
  /** The server ended the stream (e.g. the execution ended). */
  onEnd?: () => void;
  query?: Query;
}

/** Follows `path` until the server ends it or the returned function is called. */
export function followSse<T = unknown>(path: string, handlers: SseHandlers<T> | ((data: T) => void)): () => void {
  const h: SseHandlers<T> = typeof handlers === 'function' ? { onMessage: handlers } : handlers;
  const controller = new AbortController();
  void (async () => {
    try {
      const headers: Record<string, string> = { Accept: 'text/event-stream' };
      const auth = authHeader();
      if (auth) headers.Authorization = auth;
      const response = await fetch(path + queryString(h.query), { headers, signal: controller.signal, credentials: CREDENTIALS });
      if (!response.ok || !response.body) throw response.ok ? new Error('no response body') : await toApiError(response);
      const reader = response.body.pipeThrough(new TextDecoderStream()).getReader();
      const parser = new SseParser();
      for (;;) {
        const { value, done } = await reader.read();
        if (done) break;
        for (const event of parser.push(value)) {
          let data: T;
          try {
            data = JSON.parse(event.data) as T;
          } catch {
            data = event.data as T;
          }
          h.onMessage(data, event.id);
        }
      }
      h.onEnd?.();
    } catch (error) {
      if (controller.signal.aborted) return;
      h.onError?.(error as Error);
    }
  })();
  return () => controller.abort();
}
