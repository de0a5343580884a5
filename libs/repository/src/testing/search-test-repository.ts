import { randomUUID } from 'node:crypto';
import { openSearchRepository, type SearchRepository, type SearchRepositoryOptions } from '../search/open-search-repository.js';
import type { SearchProduct } from '../search/search-transport.js';

/**
 * The OpenSearch (or Elasticsearch 8) node that `npm test` starts (scripts/servers/opensearch.mjs, elasticsearch.mjs).
 * Specs fail, never skip, without it: nothing installed by hand counts.
 */
export function testSearchUrl(product: SearchProduct = 'opensearch'): string {
  const variable = `OSPREY_TEST_${product.toUpperCase()}`;
  const url = process.env[`${variable}_URL`];
  if (!url) {
    const failure = process.env[`${variable}_ERROR`];
    throw new Error(
      `${variable}_URL is not set: run the tests through \`npm test\`, or start the server with ` +
        `\`node scripts/servers/run.mjs ${product}\` and export the variable it prints` +
        (failure ? ` (the server could not start: ${failure})` : ''),
    );
  }
  return url;
}

export function testOpenSearchUrl(): string {
  return testSearchUrl('opensearch');
}

export type TestSearchRepository = SearchRepository & { dropAndClose(): Promise<void> };

/**
 * A repository on indices of its own (a random prefix), which `dropAndClose` deletes; on the product's test server
 * unless `url` says otherwise.
 */
export async function openTestSearchRepository(options: Partial<SearchRepositoryOptions> = {}): Promise<TestSearchRepository> {
  const repository = await openSearchRepository({ indexPrefix: `osprey-test-${randomUUID().slice(0, 8)}`, ...options, url: options.url ?? testSearchUrl(options.product) });
  return Object.assign(repository, {
    async dropAndClose() {
      try {
        await repository.drop();
      } finally {
        await repository.close();
      }
    },
  });
}
