/// <reference types="jest" />
import { jest } from '@jest/globals';
import { randomUUID } from 'node:crypto';
import { createServer } from 'node:net';
import type { Execution } from '@osprey/flow-model';
import { testExecution, testFlow, testTaskRun } from '../testing/repository-fixtures.js';
import { LogFollower } from '../log-follower.js';
import { openSearchRepository } from './open-search-repository.js';
import { SearchBulkError } from './search-bulk-error.js';
import type { QueryFilter } from '../query-filter.js';
import type { BulkOperation } from './search-client.js';
import { executionOperations, type TaskRunDocument } from './search-execution-documents.js';
import { SEARCH_INDICES, searchIndexNames } from './search-indices.js';
import { backfillTaskRunExecutionFields } from './search-task-run-execution-fields.js';
import { openTestSearchRepository, testOpenSearchUrl, testSearchUrl, type TestSearchRepository } from '../testing/search-test-repository.js';
import { SearchUnavailableError } from './search-unavailable-error.js';

// Each test opens and drops its own indices: seconds, not milliseconds, on a loaded machine.
jest.setTimeout(30_000);

/** A loopback port nobody listens on. */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise((resolve) => server.close(resolve));
  return port;
}

describe('OpenSearch repository beyond the port', () => {
  let repo: TestSearchRepository;
  beforeEach(async () => {
    repo = await openTestSearchRepository();
  });
  afterEach(async () => {
    await repo.dropAndClose();
  });

  it('keeps the newer execution and task runs when an older version arrives after it', async () => {
    const older = testExecution('e1', { state: 'RUNNING', taskRuns: 2 });
    const newer: Execution = {
      ...older,
      version: 3,
      state: { ...older.state, current: 'SUCCESS' },
      taskRunList: older.taskRunList.map((taskRun) => ({ ...taskRun, outputs: { value: 'final' } })),
    };
    await repo.indexExecutions([newer], { refresh: true });
    await repo.indexExecutions([older], { refresh: true });
    // The same batch delivered twice, both copies in one request, in the wrong order.
    await repo.indexExecutions([newer, older], { refresh: true });
    expect(await repo.executions.get('e1')).toEqual(newer);
    const taskRuns = await repo.taskRuns.search({ executionId: 'e1' });
    expect(taskRuns.total).toBe(2);
    expect(taskRuns.results.map((taskRun) => taskRun.outputs)).toEqual([{ value: 'final' }, { value: 'final' }]);
    expect((await repo.executions.search({ state: ['SUCCESS'] })).results.map((e) => e.id)).toEqual(['e1']);
  });

  it('keeps a deleted execution deleted when an older copy or a later version with new task runs arrives after the deletion', async () => {
    const running = testExecution('e1', { state: 'RUNNING', taskRuns: 2 });
    const later: Execution = { ...running, version: running.version + 1, taskRunList: [...running.taskRunList, testTaskRun(running, 'e1-late', 'late', 'RUNNING', '2024-05-01T10:00:05.000Z')] };
    await repo.indexExecutions([running], { refresh: true });
    expect(await repo.executions.delete('e1')).toBe(true);
    // The indexer redelivers what it had read before the deletion, then projects a version committed meanwhile.
    await repo.indexExecutions([running], { refresh: true });
    await repo.indexExecutions([{ execution: later, changedTaskRuns: later.taskRunList.slice(2) }], { refresh: true });
    expect(await repo.executions.get('e1')).toBeNull();
    expect((await repo.executions.search({})).total).toBe(0);
    expect((await repo.taskRuns.search({})).total).toBe(0);
    expect(await repo.executions.dailyStats({ startDate: '2024-05-01T00:00:00.000Z', endDate: '2024-05-02T00:00:00.000Z' })).toEqual([]);
    expect(await repo.executions.delete('e1')).toBe(false);
  });

  it('pages past the 10,000th result in the requested order', async () => {
    const start = Date.parse('2024-05-01T10:00:00.000Z');
    const entries = Array.from({ length: 10_010 }, (_, i) => ({
      id: `log-${i + 1}`,
      namespace: 'company.team',
      flowId: 'hello',
      executionId: 'e1',
      timestamp: new Date(start + i).toISOString(),
      level: 'INFO' as const,
      message: `line ${i + 1}`,
    }));
    await repo.indexLogs(entries, { refresh: true });
    const last = entries.slice(10_000).map((entry) => entry.message);
    const deep = await repo.logs.search({ executionId: 'e1', page: 11, size: 1000 });
    expect(deep.total).toBe(10_010);
    expect(deep.results.map((l) => l.message)).toEqual(last);
    expect((await repo.logs.search({ executionId: 'e1', page: 3, size: 5000 })).results.map((l) => l.message)).toEqual(last);
    expect((await repo.logs.search({ executionId: 'e1', page: 2002, size: 5, sort: 'timestamp:desc' })).results.map((l) => l.message)).toEqual(['line 5', 'line 4', 'line 3', 'line 2', 'line 1']);
    expect((await repo.logs.search({ executionId: 'e1', page: 12, size: 1000 })).results).toEqual([]);
  }, 120_000);

  it('overwrites a redelivered log entry instead of adding it twice', async () => {
    const entry = (id: string, message: string) => ({
      id,
      namespace: 'company.team',
      flowId: 'hello',
      executionId: 'e1',
      timestamp: '2024-05-01T10:00:00.000Z',
      level: 'INFO' as const,
      message,
    });
    await repo.indexLogs([entry('log-1', 'one'), entry('log-2', 'two')]);
    await repo.indexLogs([entry('log-2', 'two'), entry('log-3', 'three')], { refresh: true });
    const logs = await repo.logs.search({ executionId: 'e1' });
    expect(logs.results.map((log) => log.message)).toEqual(['one', 'two', 'three']);
    expect(logs.results.map((log) => log.id)).toEqual(['log-1', 'log-2', 'log-3']);
    expect(logs.results.every((log) => !('levelValue' in log))).toBe(true);
  });

  it("lets a follower get an entry the indexer projects late from another partition, once, redeliveries included", async () => {
    const entry = (id: string, second: number) => ({
      id,
      namespace: 'company.team',
      flowId: 'hello',
      executionId: 'e1',
      timestamp: `2024-05-01T10:00:0${second}.000Z`,
      level: 'INFO' as const,
      message: id,
    });
    const follower = new LogFollower(repo.logs, { executionId: 'e1' });
    // Partition 0 is indexed first, up to 10:00:08; partition 1 lags with an entry of 10:00:03.
    await repo.indexLogs([entry('p0-1', 1), entry('p0-2', 8)], { refresh: true });
    expect((await follower.next()).map((l) => l.id)).toEqual(['p0-1', 'p0-2']);
    await repo.indexLogs([entry('p1-1', 3)], { refresh: true });
    expect((await follower.next()).map((l) => l.id)).toEqual(['p1-1']);
    // A redelivered batch rewrites the same documents: nothing is sent twice.
    await repo.indexLogs([entry('p0-2', 8), entry('p1-1', 3), entry('p1-2', 9)], { refresh: true });
    expect((await follower.next()).map((l) => l.id)).toEqual(['p1-2']);
  });

  it('throws a typed bulk error naming the rejected document', async () => {
    const bad = { id: 'bad', namespace: 'ns', flowId: 'f', executionId: 'e1', timestamp: 'not a date', level: 'INFO' as const, message: 'x', seq: 1 };
    const error = await repo.indexLogs([bad]).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(SearchBulkError);
    expect((error as SearchBulkError).failures).toEqual([expect.objectContaining({ index: repo.indices.logs, id: 'bad', status: 400 })]);
    expect((error as SearchBulkError).retryable).toBe(false);
  });

  it('matches labels exactly, whatever characters keys and values hold', async () => {
    await repo.indexExecutions([testExecution('a', { labels: [{ key: 'a:b', value: 'c' }] }), testExecution('b', { labels: [{ key: 'a', value: 'b:c' }] })], { refresh: true });
    expect((await repo.executions.search({ labels: [{ key: 'a', value: 'b:c' }] })).results.map((e) => e.id)).toEqual(['b']);
    expect((await repo.executions.search({ labels: [{ key: 'a:b', value: 'c' }] })).results.map((e) => e.id)).toEqual(['a']);
  });

  it('reports each dead instance to one of several concurrent reapers', async () => {
    const base = { type: 'WORKER' as const, hostname: 'h', pid: 1, startedAt: '2024-05-01T10:00:00.000Z', heartbeatAt: '2024-05-01T10:00:00.000Z', state: 'RUNNING' as const };
    for (let i = 0; i < 6; i++) await repo.instances.heartbeat({ ...base, id: `w${i}` });
    const now = new Date('2024-05-01T10:10:00.000Z');
    const reaped = await Promise.all([1, 2, 3].map(() => repo.instances.reapDead(30_000, now)));
    expect(reaped.flat().map((instance) => instance.id).sort()).toEqual(['w0', 'w1', 'w2', 'w3', 'w4', 'w5']);
  });

  it('creates the indices once when several processes open the same prefix at the same time', async () => {
    const indexPrefix = `osprey-test-${randomUUID().slice(0, 8)}`;
    const opened = await Promise.all([1, 2, 3].map(() => openSearchRepository({ url: testOpenSearchUrl(), indexPrefix })));
    try {
      await opened[0]!.flows.save(testFlow('company.team', 'shared'), 'v1');
      expect((await opened[2]!.flows.list()).map((flow) => flow.id)).toEqual(['shared']);
      // Opening again keeps the data (the indices are extended, never recreated).
      const again = await openSearchRepository({ url: testOpenSearchUrl(), indexPrefix });
      expect((await again.flows.get('company.team', 'shared'))?.revision).toBe(1);
      await again.close();
    } finally {
      await opened[0]!.drop();
      await Promise.all(opened.map((repository) => repository.close()));
    }
  });
});

// On both products' test nodes (the Elasticsearch one is 8.19 in `npm test`): the backfill is plain searches and bulk writes.
describe.each(['opensearch', 'elasticsearch'] as const)('%s task runs indexed before they carried their execution\'s labels and parent', (product) => {
  it('get that copy when a repository opens, so the task-run filters on the execution find them', async () => {
    const indexPrefix = `osprey-test-${randomUUID().slice(0, 8)}`;
    const url = testSearchUrl(product);
    const indices = searchIndexNames(indexPrefix);
    // The indices as the previous version created them: no copy in the task-run mapping, none in the documents.
    const before = await openSearchRepository({ product, url, indexPrefix, createIndices: false });
    const { labels: _labels, parentId: _parentId, executionDigest: _digest, ...oldTaskRunFields } = SEARCH_INDICES.taskRuns;
    await before.client.request('PUT', `/${indices.taskRuns}`, { body: { mappings: { dynamic: false, properties: oldTaskRunFields } } });
    await before.client.request('PUT', `/${indices.executions}`, { body: { mappings: { dynamic: false, properties: SEARCH_INDICES.executions } } });
    const p = testExecution('p', { taskRuns: 1, labels: [{ key: 'team', value: 'data' }] });
    const c = testExecution('c', { taskRuns: 2, parent: 'p', labels: [{ key: 'team', value: 'ops' }] });
    const orphan = testExecution('x', { taskRuns: 1 });
    const oldShape = (op: BulkOperation): BulkOperation => {
      if (op.index !== indices.taskRuns) return op;
      const { labels: _l, parentId: _p, executionDigest: _d, ...doc } = op.document as TaskRunDocument;
      return { ...op, document: doc };
    };
    const written = [...executionOperations(indices, [p, c]), ...executionOperations(indices, [orphan]).filter((op) => op.index === indices.taskRuns)];
    expect((await before.client.bulk(written.map(oldShape), true)).every((item) => !item.error)).toBe(true);
    await before.close();

    const repo = await openSearchRepository({ product, url, indexPrefix });
    try {
      const ids = async (filter: QueryFilter) => (await repo.taskRuns.search({ filters: [filter] })).results.map((t) => t.id).sort();
      const labels = (operation: QueryFilter['operation']): QueryFilter => ({ field: 'labels', operation, values: [], labels: [{ key: 'team', value: 'ops' }] });
      expect(await ids(labels('EQUALS'))).toEqual(['c-tr0', 'c-tr1']);
      expect(await ids(labels('NOT_EQUALS'))).toEqual(['p-tr0', 'x-tr0']);
      expect(await ids({ field: 'triggerExecutionId', operation: 'EQUALS', values: ['p'] })).toEqual(['c-tr0', 'c-tr1']);
      // A task run whose execution document is missing has no labels and no parent, as with SQL's outer join.
      expect(await ids({ field: 'childFilter', operation: 'EQUALS', values: ['MAIN'] })).toEqual(['p-tr0', 'x-tr0']);
      // Rewritten whole, at their own version: the execution reads back as written, and a redelivery still lands.
      expect(await repo.executions.get('c')).toEqual(c);
      await repo.indexExecutions([c], { refresh: true });
      expect((await repo.taskRuns.search({ executionId: 'c' })).total).toBe(2);
      // Once done, the next open finds nothing left to do.
      expect(await backfillTaskRunExecutionFields(repo.client, indices)).toBe(0);
    } finally {
      await repo.drop();
      await repo.close();
    }
  }, 120_000);
});

describe('execution projections', () => {
  it('writes only the newest of several versions of one execution in a batch', () => {
    const v1 = testExecution('e1', { taskRuns: 2 });
    const v2: Execution = { ...v1, version: 2 };
    const v3: Execution = { ...v1, version: 3 };
    const operations = executionOperations(searchIndexNames('test'), [v1, v3, testExecution('e2'), v2]);
    expect(operations.map((op) => `${op.id}@${op.version}`)).toEqual(['e1@3', 'e1-tr0@3', 'e1-tr1@3', 'e2@1']);
  });
});

describe('OpenSearch repository without a server', () => {
  it('fails projections with SearchUnavailableError so the indexer retries, and ping says false', async () => {
    const repository = await openSearchRepository({ url: `http://127.0.0.1:${await closedPort()}`, createIndices: false, maxRetries: 0, requestTimeoutMs: 2_000 });
    try {
      await expect(repository.indexExecutions([testExecution('e1')])).rejects.toBeInstanceOf(SearchUnavailableError);
      await expect(repository.indexLogs([{ id: 'l1', namespace: 'ns', flowId: 'f', executionId: 'e1', timestamp: '2024-05-01T10:00:00.000Z', level: 'INFO', message: 'x' }])).rejects.toBeInstanceOf(
        SearchUnavailableError,
      );
      await expect(repository.executions.get('e1')).rejects.toBeInstanceOf(SearchUnavailableError);
      expect(await repository.ping(500)).toBe(false);
    } finally {
      await repository.close();
    }
  });

  it('fails to open when the server cannot be reached', async () => {
    await expect(openSearchRepository({ url: `http://127.0.0.1:${await closedPort()}`, maxRetries: 0, requestTimeoutMs: 2_000 })).rejects.toBeInstanceOf(SearchUnavailableError);
  });
});
