/// <reference types="jest" />
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { testExecution, testFlow } from '../testing/repository-fixtures.js';
import { openSearchRepository } from './open-search-repository.js';
import { startTestSearchNode, type TestSearchNode } from '../testing/search-test-node.js';
import { SearchUnavailableError } from './search-unavailable-error.js';

describe('OpenSearch repository across a server restart', () => {
  it('fails while the server is down and reads and writes again on the same data once it is back', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'osprey-opensearch-restart-'));
    let node: TestSearchNode | undefined = await startTestSearchNode('opensearch', { dataDir });
    const repo = await openSearchRepository({ url: node.url, indexPrefix: 'restart', maxRetries: 0, requestTimeoutMs: 30_000 }); // a fresh node on a loaded machine can take seconds per request
    try {
      const before = testExecution('before', { taskRuns: 2 });
      await repo.indexExecutions([before], { refresh: true });
      await repo.flows.save(testFlow('company.team', 'hello'), 'v1');

      const { port, transportPort } = node;
      await node.stop();
      node = undefined;
      expect(await repo.ping(1_000)).toBe(false);
      await expect(repo.indexExecutions([testExecution('during')])).rejects.toBeInstanceOf(SearchUnavailableError);
      await expect(repo.executions.search({})).rejects.toBeInstanceOf(SearchUnavailableError);

      node = await startTestSearchNode('opensearch', { dataDir, port, transportPort });
      expect(await repo.ping()).toBe(true);
      expect(await repo.executions.get('before')).toEqual(before);
      expect((await repo.flows.list()).map((flow) => flow.id)).toEqual(['hello']);
      // What the indexer retries after the outage lands, next to what was there.
      await repo.indexExecutions([testExecution('during')], { refresh: true });
      expect((await repo.executions.search({ sort: 'id:asc' })).results.map((e) => e.id)).toEqual(['before', 'during']);
    } finally {
      await repo.close();
      await node?.stop();
      rmSync(dataDir, { recursive: true, force: true });
    }
  }, 300_000);
});
