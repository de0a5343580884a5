import { Client, errors } from '@elastic/elasticsearch';
import { toSearchError, type SearchTransport, type SearchTransportConfig } from './search-transport.js';

const ERRORS = { ResponseError: errors.ResponseError, unavailable: [errors.ConnectionError, errors.TimeoutError, errors.NoLivingConnectionsError, errors.RequestAbortedError] };

/**
 * Elasticsearch 7.17, 8 and 9 through @elastic/elasticsearch 8.19: it sends `compatible-with=8`, which 8.x
 * serves natively and 9.x and 7.17 through their REST API compatibility (a 9.x client asks for 9, refused by 8.x).
 */
export function openElasticsearchTransport(config: SearchTransportConfig): SearchTransport {
  const client = new Client({
    node: config.url,
    ...(config.username !== undefined ? { auth: { username: config.username, password: config.password ?? '' } } : {}),
    requestTimeout: config.requestTimeoutMs,
    maxRetries: config.maxRetries,
  });
  return {
    product: 'elasticsearch',
    async request<T>(request: Parameters<SearchTransport['request']>[0], options: Parameters<SearchTransport['request']>[1] = {}) {
      try {
        const response = await client.transport.request(
          {
            method: request.method,
            path: request.path,
            querystring: request.querystring as Record<string, string> | undefined,
            body: request.body as Record<string, unknown> | undefined,
            bulkBody: request.bulkBody as Record<string, unknown>[] | undefined,
          },
          { ignore: options.ignore, requestTimeout: options.requestTimeout, maxRetries: options.maxRetries, meta: true },
        );
        return { statusCode: response.statusCode ?? 0, body: response.body as T };
      } catch (error) {
        throw toSearchError(error, `${request.method} ${request.path}`, ERRORS);
      }
    },
    close: () => client.close(),
  };
}
