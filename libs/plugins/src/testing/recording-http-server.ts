import { createServer, type IncomingHttpHeaders, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/** One request a recording server received, its body read whole. */
export interface RecordedRequest {
  method: string;
  /** The request target as sent: path and query. */
  url: string;
  headers: IncomingHttpHeaders;
  body: string;
}

export interface RecordingHttpServer {
  /** `http://127.0.0.1:<port>`, without a trailing slash. */
  readonly url: string;
  /** The requests received so far, oldest first (empty it between tests with `splice(0)`). */
  readonly requests: RecordedRequest[];
  close(): Promise<void>;
}

/**
 * A local HTTP server standing in for a remote service (a webhook, a file server) in tests: it records each request,
 * then answers it with `respond`, by default 200 `ok`.
 */
export async function startRecordingHttpServer(
  respond: (request: RecordedRequest, response: ServerResponse) => void = (_request, response) => void response.end('ok'),
): Promise<RecordingHttpServer> {
  const requests: RecordedRequest[] = [];
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const request = { method: req.method!, url: req.url!, headers: req.headers, body: Buffer.concat(chunks).toString('utf8') };
      requests.push(request);
      respond(request, res);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    requests,
    async close() {
      // A test's unanswered request (a deliberately slow endpoint) must not keep the server open.
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
    },
  };
}
