import { Client, errors } from '@opensearch-project/opensearch';
import { toSearchError, type SearchTransport, type SearchTransportConfig } from './search-transport.js';

const ERRORS = { ResponseError: errors.ResponseError, unavailable: [errors.ConnectionError, errors.TimeoutError, errors.NoLivingConnectionsError, errors.RequestAbortedError] };

/** OpenSearch (and Elasticsearch 7.17, whose REST API it shares) through opensearch-js. */
export function openOpenSearchTransport(config: SearchTransportConfig): SearchTransport {
  const client = new Client({
    node: config.url,
    ...(config.username !== undefined ? { auth: { username: config.username, password: config.password ?? '' } } : {}),
    requestTimeout: config.requestTimeoutMs,
    maxRetries: config.maxRetries,
  });
  return {
    product: 'opensearch',
    async request<T>(request: Parameters<SearchTransport['request']>[0], options: Parameters<SearchTransport['request']>[1] = {}) {
      try {
        const response = await client.transport.request(
          {
            method: request.method,
            path: request.path,
            querystring: request.querystring,
            body: request.body as Record<string, unknown> | undefined,
            bulkBody: request.bulkBody as Record<string, unknown>[] | undefined,
          },
          { ignore: options.ignore, requestTimeout: options.requestTimeout, maxRetries: options.maxRetries },
        );
        return { statusCode: response.statusCode ?? 0, body: response.body as T };
      } catch (error) {
        throw toSearchError(error, `${request.method} ${request.path}`, ERRORS);
      }
    },
    close: () => client.close(),
  };
}
