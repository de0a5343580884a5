/// <reference types="jest" />
import { jest } from '@jest/globals';
import { repositoryContract } from '../testing/repository.contract.js';
import { openTestSearchRepository } from '../testing/search-test-repository.js';

// Each test opens and drops its own indices: seconds, not milliseconds, on a loaded machine.
jest.setTimeout(30_000);

repositoryContract('opensearch', async () => {
  const repository = await openTestSearchRepository();
  return {
    repository,
    // As the indexer projects executions, refreshed so that the contract's searches see them at once.
    writeExecution: (execution, changedTaskRuns) => repository.indexExecutions([changedTaskRuns ? { execution, changedTaskRuns } : execution], { refresh: true }),
    close: () => repository.dropAndClose(),
  };
});
