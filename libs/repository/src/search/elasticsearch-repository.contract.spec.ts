/// <reference types="jest" />
import { jest } from '@jest/globals';
import { repositoryContract } from '../testing/repository.contract.js';
import { startTestSearchNode, type TestSearchNode } from '../testing/search-test-node.js';
import { openTestSearchRepository } from '../testing/search-test-repository.js';

// Each test opens and drops its own indices: seconds, not milliseconds, on a loaded machine.
jest.setTimeout(30_000);

// The same adapter on Elasticsearch 7.17 (a private node: `npm test` runs only OpenSearch for the other specs).
let node: TestSearchNode | undefined;
beforeAll(async () => {
  node = await startTestSearchNode('elasticsearch');
}, 240_000);
afterAll(async () => {
  await node?.stop();
});

repositoryContract('elasticsearch 7.17', async () => {
  if (!node) throw new Error('the Elasticsearch test node did not start');
  const repository = await openTestSearchRepository({ url: node.url });
  return {
    repository,
    writeExecution: (execution, changedTaskRuns) => repository.indexExecutions([changedTaskRuns ? { execution, changedTaskRuns } : execution], { refresh: true }),
    close: () => repository.dropAndClose(),
    refusesTaskRunExecutionFilters: true,
  };
});
