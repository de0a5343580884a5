import type { Execution } from '@osprey/flow-model';
import { SearchBulkError } from './search-bulk-error.js';
import type { BulkItemResult, BulkOperation, SearchClient, SearchHit, SearchRefresh } from './search-client.js';
import {
  executionDocument,
  NOT_DELETED,
  taskRunExecutionFields,
  type ExecutionDocument,
  type TaskRunDocument,
  type TaskRunExecutionFields,
} from './search-execution-documents.js';
import type { SearchIndexNames } from './search-indices.js';

const PAGE = 1000;

/** The task-run document with `fields` in place of the copy it held (a parent it had is dropped when the new copy has none). */
function withFields(doc: TaskRunDocument, fields: TaskRunExecutionFields): TaskRunDocument {
  const { labels: _labels, parentId: _parentId, executionDigest: _digest, ...body } = doc;
  return { ...body, ...fields };
}

/** Fails on what was rejected; 409 means a newer version of the document is stored, which carries its own copy. */
function checkRewrites(operations: readonly BulkOperation[], items: readonly BulkItemResult[]): number {
  const failures = items
    .map((item, i) => ({ item, op: operations[i]! }))
    .filter(({ item }) => item.error && item.status !== 409)
    .map(({ item, op }) => ({ index: op.index, id: item.id, status: item.status, type: item.error!.type, reason: item.error!.reason }));
  if (failures.length > 0) throw new SearchBulkError(failures);
  return items.filter((item) => !item.error).length;
}

/**
 * After a projection that carried only an execution's changed task runs, rewrites its other task-run documents whose
 * copy of its labels and parent differs (a label change), at the execution's version. The indexer's whole executions
 * never need this: each rewrites every task run of its execution.
 */
export async function syncTaskRunExecutionFields(client: SearchClient, indices: SearchIndexNames, executions: readonly Execution[], refresh: SearchRefresh): Promise<void> {
  const newest = new Map<string, Execution>();
  for (const execution of executions) {
    const seen = newest.get(execution.id);
    if (!seen || seen.version <= execution.version) newest.set(execution.id, execution);
  }
  if (newest.size === 0) return;
  // Task runs written by earlier projections without a refresh must be found too.
  await client.refreshIndex(indices.taskRuns);
  const operations: BulkOperation[] = [];
  for (const execution of newest.values()) {
    const fields = taskRunExecutionFields(executionDocument(execution));
    const query = { bool: { filter: [{ term: { executionId: execution.id } }, NOT_DELETED], must_not: [{ term: { executionDigest: fields.executionDigest } }] } };
    const stale = await client.searchAll<TaskRunDocument>(indices.taskRuns, query, [{ id: { order: 'asc' } }], { version: true });
    for (const hit of stale) {
      // A document of a newer version than this execution was written with that version's own copy.
      if (hit._version !== undefined && hit._version > execution.version) continue;
      operations.push({ action: 'index', index: indices.taskRuns, id: hit._id, version: execution.version, document: withFields(hit._source, fields) });
    }
  }
  checkRewrites(operations, await client.bulk(operations, refresh));
}

/**
 * Gives the task-run documents written before they carried their execution's labels and parent (no
 * `executionDigest`) the copy from their execution's document, each at its own version so that a newer write made
 * meanwhile wins. Runs when the repository opens; once done, it costs one empty search. Returns the documents written.
 */
export async function backfillTaskRunExecutionFields(client: SearchClient, indices: SearchIndexNames): Promise<number> {
  const query = { bool: { filter: [NOT_DELETED], must_not: [{ exists: { field: 'executionDigest' } }] } };
  let written = 0;
  let after: unknown[] | undefined;
  for (;;) {
    const { hits } = await client.search<TaskRunDocument>(indices.taskRuns, {
      query,
      sort: [{ id: { order: 'asc' } }],
      size: PAGE,
      version: true,
      track_total_hits: false,
      ...(after ? { search_after: after } : {}),
    });
    if (hits.length === 0) break;
    written += await backfillPage(client, indices, hits);
    if (hits.length < PAGE) break;
    after = hits[hits.length - 1]!.sort;
  }
  if (written > 0) await client.refreshIndex(indices.taskRuns);
  return written;
}

async function backfillPage(client: SearchClient, indices: SearchIndexNames, hits: readonly SearchHit<TaskRunDocument>[]): Promise<number> {
  const executionIds = [...new Set(hits.map((hit) => hit._source.executionId))];
  const executions = await client.search<Partial<ExecutionDocument> & { deleted?: boolean }>(indices.executions, {
    query: { ids: { values: executionIds } },
    size: executionIds.length,
    _source: ['labels', 'parentId', 'deleted'],
    track_total_hits: false,
  });
  const fieldsById = new Map<string, TaskRunExecutionFields>();
  for (const hit of executions.hits) {
    if (hit._source.deleted) continue;
    fieldsById.set(hit._id, taskRunExecutionFields({ labels: hit._source.labels ?? [], parentId: hit._source.parentId }));
  }
  // A task run without an execution document (or of a deleted one) has no labels and no parent, as on SQL's outer join.
  const none = taskRunExecutionFields({ labels: [] });
  const operations: BulkOperation[] = hits.map((hit) => ({
    action: 'index',
    index: indices.taskRuns,
    id: hit._id,
    ...(hit._version !== undefined ? { version: hit._version } : {}),
    document: withFields(hit._source, fieldsById.get(hit._source.executionId) ?? none),
  }));
  return checkRewrites(operations, await client.bulk(operations, false));
}
