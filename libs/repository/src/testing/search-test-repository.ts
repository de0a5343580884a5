import { randomUUID } from 'node:crypto';
import { openSearchRepository, type SearchRepository, type SearchRepositoryOptions } from '../search/open-search-repository.js';

/**
 * The OpenSearch that `npm test` starts (scripts/servers/opensearch.mjs). Specs fail, never skip, without it:
 * nothing installed by hand counts.
 */
export function testOpenSearchUrl(): string {
  const url = process.env.OSPREY_TEST_OPENSEARCH_URL;
  if (!url) {
    const failure = process.env.OSPREY_TEST_OPENSEARCH_ERROR;
    throw new Error(
      'OSPREY_TEST_OPENSEARCH_URL is not set: run the tests through `npm test`, or start the server with ' +
        '`node scripts/servers/run.mjs opensearch` and export the variable it prints' +
        (failure ? ` (the server could not start: ${failure})` : ''),
    );
  }
  return url;
}

export type TestSearchRepository = SearchRepository & { dropAndClose(): Promise<void> };

/** A repository on indices of its own (a random prefix), which `dropAndClose` deletes; on the test server unless `url` says otherwise. */
export async function openTestSearchRepository(options: Partial<SearchRepositoryOptions> = {}): Promise<TestSearchRepository> {
  const repository = await openSearchRepository({ indexPrefix: `osprey-test-${randomUUID().slice(0, 8)}`, ...options, url: options.url ?? testOpenSearchUrl() });
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
