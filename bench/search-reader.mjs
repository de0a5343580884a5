// The DbReader of the Kafka backend: the same questions, asked of OpenSearch through the repository library (the
// documents the indexer writes). Results appear there after the indexer's lag, which the waits absorb; the figures
// themselves come from the executions' own state dates, as with the SQL readers.
import { setTimeout as sleep } from 'node:timers/promises';
import { openSearchRepository } from '@osprey/repository/search';
import { BenchTimeoutError } from './db-reader.mjs';

export class SearchReader {
  static async open(url, indexPrefix) {
    const reader = new SearchReader();
    reader.url = url;
    reader.indexPrefix = indexPrefix;
    reader.repository = await openSearchRepository({ url, indexPrefix, createIndices: false });
    return reader;
  }

  /**
   * The indexer writes an execution and its task runs in one bulk request without a refresh: a read between two
   * periodic refreshes may see the ended execution but not all its task runs. Refresh before reading results.
   */
  async refresh() {
    const response = await fetch(`${this.url}/${this.indexPrefix}-*/_refresh`, { method: 'POST' });
    if (!response.ok) throw new Error(`refreshing the indices failed: HTTP ${response.status}`);
  }

  async ended(namespace, flowId) {
    const page = await this.repository.executions.search({ namespace, flowId, state: ['SUCCESS', 'WARNING', 'FAILED', 'KILLED', 'CANCELLED'], size: 1 });
    return page.total;
  }

  async waitForEnded(namespace, flowId, count, { pollMs = 100, timeoutMs }) {
    const deadline = Date.now() + timeoutMs;
    while ((await this.ended(namespace, flowId)) < count) {
      if (Date.now() > deadline) throw new BenchTimeoutError(`${count} executions of ${namespace}.${flowId}`, timeoutMs);
      await sleep(pollMs);
    }
  }

  async waitForEnd(executionId, { pollMs = 50, timeoutMs }) {
    const deadline = Date.now() + timeoutMs;
    while (!(await this.repository.executions.get(executionId))?.state.endDate) {
      if (Date.now() > deadline) throw new BenchTimeoutError(`execution ${executionId}`, timeoutMs);
      await sleep(pollMs);
    }
  }

  async executions(namespace, flowId) {
    await this.refresh();
    const results = [];
    for (let page = 1; ; page++) {
      const found = await this.repository.executions.search({ namespace, flowId, page, size: 1000 });
      results.push(...found.results.map(summary));
      if (results.length >= found.total || found.results.length === 0) return results;
    }
  }

  async execution(id) {
    await this.refresh();
    const execution = await this.repository.executions.get(id);
    return execution ? summary(execution) : undefined;
  }

  async taskRuns(executionId) {
    await this.refresh();
    return (await this.repository.executions.get(executionId))?.taskRunList ?? [];
  }

  async countTaskRuns(executionId) {
    return (await this.taskRuns(executionId)).length;
  }

  close() {
    return this.repository.close();
  }
}

function summary(execution) {
  const { state } = execution;
  return { id: execution.id, state: state.current, startDate: state.startDate, endDate: state.endDate, histories: state.histories ?? [] };
}
