/// <reference types="jest" />
import { randomUUID } from 'node:crypto';
import { repositoryContract } from '../testing/repository.contract.js';
import { openSearchRepository, type SearchRepository, type SearchRepositoryOptions } from './open-search-repository.js';

/** Set by scripts/servers/opensearch.mjs; a missing server fails these tests instead of skipping them. */
export function testOpenSearchUrl(): string {
  const url = process.env.OSPREY_TEST_OPENSEARCH_URL;
  if (!url) {
    throw new Error(
      `OSPREY_TEST_OPENSEARCH_URL is not set: run the tests through \`npm test\`, or start the server with \`node scripts/servers/run.mjs opensearch\`${
        process.env.OSPREY_TEST_OPENSEARCH_ERROR ? ` (it could not start: ${process.env.OSPREY_TEST_OPENSEARCH_ERROR})` : ''
      }`,
    );
  }
  return url;
}

/** A repository on indices of its own, deleted on close. */
export async function openTestSearchRepository(options: Partial<SearchRepositoryOptions> = {}): Promise<SearchRepository & { dropAndClose(): Promise<void> }> {
  const repository = await openSearchRepository({ url: testOpenSearchUrl(), indexPrefix: `osprey-test-${randomUUID().slice(0, 8)}`, ...options });
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

repositoryContract('opensearch', async () => {
  const repository = await openTestSearchRepository();
  return {
    repository,
    writeExecution: (execution, changedTaskRuns) =>
      repository.indexExecutions([changedTaskRuns ? { execution, changedTaskRuns } : execution], { refresh: true }),
    close: () => repository.dropAndClose(),
  };
});
