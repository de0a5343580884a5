/// <reference types="jest" />
import { jest } from '@jest/globals';
import { repositoryContract } from '../testing/repository.contract.js';
import { openTestSearchRepository, testSearchUrl } from '../testing/search-test-repository.js';
import type { SearchProduct } from './search-transport.js';

// Each test opens and drops its own 8 indices and templates: 6-16 s per test at a load average of 20 on 2 cores.
jest.setTimeout(60_000);

// The Elasticsearch node of `npm test` (scripts/servers/elasticsearch.mjs): 8.19 unless OSPREY_TEST_ELASTICSEARCH_VERSION
// chose 7.17 or 9.5. The embedded 8/9 nodes have no `_delete_by_query`, so there the contract's deletions also
// check the search-and-bulk fallback. 7.17 also serves opensearch-js, so the contract runs on both clients there.
const version = process.env.OSPREY_TEST_ELASTICSEARCH_VERSION ?? '8.19';
const products: SearchProduct[] = version === '7.17' ? ['elasticsearch', 'opensearch'] : ['elasticsearch'];

for (const product of products) {
  repositoryContract(`elasticsearch ${version} (${product} client)`, async () => {
    const repository = await openTestSearchRepository({ product, url: testSearchUrl('elasticsearch') });
    return {
      repository,
      writeExecution: (execution, changedTaskRuns) => repository.indexExecutions([changedTaskRuns ? { execution, changedTaskRuns } : execution], { refresh: true }),
      close: () => repository.dropAndClose(),
    };
  });
}

describe(`elasticsearch ${version}: deletion by query`, () => {
  const entries = (executionId: string, count: number) =>
    Array.from({ length: count }, (_, i) => ({
      id: `${executionId}-${i + 1}`,
      namespace: 'company.team',
      flowId: 'hello',
      executionId,
      timestamp: new Date(Date.parse('2024-05-01T10:00:00.000Z') + i).toISOString(),
      level: 'INFO' as const,
      message: `line ${i + 1}`,
    }));

  // Past one page of the search-and-bulk fallback (1,000 ids), written without a refresh as the indexer writes.
  it('deletes every matching document, over several pages, and nothing else', async () => {
    const repository = await openTestSearchRepository({ product: 'elasticsearch', url: testSearchUrl('elasticsearch') });
    try {
      await repository.indexLogs([...entries('e1', 2_500), ...entries('e2', 3)]);
      expect(await repository.logs.deleteByExecution('e1')).toBe(2_500);
      expect((await repository.logs.search({ executionId: 'e1' })).total).toBe(0);
      expect((await repository.logs.search({ executionId: 'e2' })).results.map((entry) => entry.message)).toEqual(['line 1', 'line 2', 'line 3']);
      expect(await repository.logs.deleteByExecution('e1')).toBe(0);
    } finally {
      await repository.dropAndClose();
    }
  }, 120_000);
});
