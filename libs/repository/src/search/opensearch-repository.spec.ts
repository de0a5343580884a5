/// <reference types="jest" />
import { repositoryContract } from '../testing/repository.contract.js';
import { openTestSearchRepository } from './search-test-repository.js';

repositoryContract('opensearch', async () => {
  const repository = await openTestSearchRepository();
  return {
    repository,
    // As the indexer projects executions, refreshed so that the contract's searches see them at once.
    writeExecution: (execution, changedTaskRuns) => repository.indexExecutions([changedTaskRuns ? { execution, changedTaskRuns } : execution], { refresh: true }),
    close: () => repository.dropAndClose(),
  };
});
