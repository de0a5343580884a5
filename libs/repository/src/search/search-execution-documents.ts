import { createHash } from 'node:crypto';
import type { Execution, TaskRun } from '@osprey/flow-model';
import type { BulkOperation } from './search-client.js';
import type { SearchIndexNames } from './search-indices.js';
import { labelTerm } from './search-query.js';

/** The execution without its task runs, plus the fields searches filter and sort on. */
export interface ExecutionDocument {
  id: string;
  namespace: string;
  flowId: string;
  state: string;
  startDate: string;
  endDate?: string;
  labels: string[];
  parentId?: string;
  version: number;
  execution: Omit<Execution, 'taskRunList'>;
}

export interface TaskRunDocumentBody {
  id: string;
  executionId: string;
  namespace: string;
  flowId: string;
  taskId: string;
  state: string;
  startDate: string;
  endDate?: string;
  /** Index in the execution's task run list; absent when the writer did not know it. */
  position?: number;
  /** Write order, to order task runs without a position. */
  seq: number;
  taskRun: TaskRun;
}

/**
 * What task-run filters read of the run's execution (labels, triggerExecutionId, childFilter), copied onto each
 * task-run document: the execution's label terms, its parent, and a digest of both that finds the documents
 * whose copy is stale or missing (written before the copy existed).
 */
export interface TaskRunExecutionFields {
  labels: string[];
  parentId?: string;
  executionDigest: string;
}

export type TaskRunDocument = TaskRunDocumentBody & TaskRunExecutionFields;

/**
 * External version of a deleted execution's documents: above any version an execution reaches, so that no
 * projection of it (a late or redelivered copy, a task run written after the deletion) can bring it back.
 */
export const DELETED_VERSION = Number.MAX_SAFE_INTEGER;

/** What a deleted execution or task run leaves in its index: its id, marked deleted (searches skip it). */
export interface DeletedDocument {
  id: string;
  executionId: string;
  deleted: true;
}

/** Matches the documents that are not tombstones. */
export const NOT_DELETED = { bool: { must_not: { term: { deleted: true } } } };

function tombstone(index: string, id: string, executionId: string): BulkOperation {
  return { action: 'index', index, id, version: DELETED_VERSION, document: { id, executionId, deleted: true } satisfies DeletedDocument };
}

/** Operations writing the tombstones of some task runs of a deleted execution. */
export function taskRunTombstones(indices: SearchIndexNames, executionId: string, taskRunIds: readonly string[]): BulkOperation[] {
  return taskRunIds.map((id) => tombstone(indices.taskRuns, id, executionId));
}

/** Operations writing the tombstones of an execution and of its task runs. */
export function tombstoneOperations(indices: SearchIndexNames, executionId: string, taskRunIds: readonly string[]): BulkOperation[] {
  return [tombstone(indices.executions, executionId, executionId), ...taskRunTombstones(indices, executionId, taskRunIds)];
}

/** An execution to project, with the task runs that changed (all of them when only the execution is given). */
export type ExecutionProjection = Execution | { execution: Execution; changedTaskRuns: readonly TaskRun[] };

let insertion = 0;
function nextSeq(): number {
  insertion = (insertion + 1) % 1000;
  return Date.now() * 1000 + insertion;
}

export function executionDocument(execution: Execution): ExecutionDocument {
  const { taskRunList: _taskRuns, ...rest } = execution;
  const doc: ExecutionDocument = {
    id: execution.id,
    namespace: execution.namespace,
    flowId: execution.flowId,
    state: execution.state.current,
    startDate: execution.state.startDate,
    labels: (execution.labels ?? []).map(labelTerm),
    version: execution.version,
    execution: rest,
  };
  if (execution.state.endDate) doc.endDate = execution.state.endDate;
  if (execution.parent?.executionId) doc.parentId = execution.parent.executionId;
  return doc;
}

/** The copy of an execution's labels and parent its task-run documents carry. */
export function taskRunExecutionFields(execution: Pick<ExecutionDocument, 'labels' | 'parentId'>): TaskRunExecutionFields {
  const fields: TaskRunExecutionFields = {
    labels: execution.labels,
    executionDigest: createHash('sha256')
      .update(JSON.stringify([execution.labels, execution.parentId ?? null]))
      .digest('base64url'),
  };
  if (execution.parentId !== undefined) fields.parentId = execution.parentId;
  return fields;
}

function taskRunDocument(taskRun: TaskRun, position: number | undefined, fields: TaskRunExecutionFields): TaskRunDocument {
  const doc: TaskRunDocument = {
    id: taskRun.id,
    executionId: taskRun.executionId,
    namespace: taskRun.namespace,
    flowId: taskRun.flowId,
    taskId: taskRun.taskId,
    state: taskRun.state.current,
    startDate: taskRun.state.startDate,
    seq: nextSeq(),
    taskRun,
    ...fields,
  };
  if (taskRun.state.endDate) doc.endDate = taskRun.state.endDate;
  if (position !== undefined) doc.position = position;
  return doc;
}

/**
 * Bulk operations writing each execution and its (changed) task runs, keyed by their own ids and versioned
 * with the execution's version (`external_gte`): a redelivered copy rewrites the same documents, and an older
 * copy arriving after a newer one is refused by the server instead of overwriting it. Each task-run document
 * carries the execution's labels and parent as of this version (the indexer's whole executions rewrite them all).
 */
export function executionOperations(indices: SearchIndexNames, projections: readonly ExecutionProjection[]): BulkOperation[] {
  // A batch often holds several versions of a hot execution: writing only the newest whole one saves rewriting its
  // task runs once per version (the server would keep the newest anyway).
  const newest = new Map<string, Execution>();
  for (const projection of projections) {
    if ('execution' in projection) continue;
    const seen = newest.get(projection.id);
    if (!seen || seen.version <= projection.version) newest.set(projection.id, projection);
  }
  const operations: BulkOperation[] = [];
  for (const projection of projections) {
    if (!('execution' in projection) && newest.get(projection.id) !== projection) continue;
    const execution = 'execution' in projection ? projection.execution : projection;
    const taskRuns = 'execution' in projection ? projection.changedTaskRuns : execution.taskRunList;
    const version = execution.version;
    const document = executionDocument(execution);
    operations.push({ action: 'index', index: indices.executions, id: execution.id, version, document });
    if (taskRuns.length === 0) continue;
    const fields = taskRunExecutionFields(document);
    const positions = new Map<string, number>();
    (execution.taskRunList ?? []).forEach((taskRun, index) => positions.set(taskRun.id, index));
    for (const taskRun of taskRuns) {
      operations.push({ action: 'index', index: indices.taskRuns, id: taskRun.id, version, document: taskRunDocument(taskRun, positions.get(taskRun.id), fields) });
    }
  }
  return operations;
}
