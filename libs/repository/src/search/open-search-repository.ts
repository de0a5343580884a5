import type { Execution, TaskRun } from '@osprey/flow-model';
import type { Repository } from '../ports.js';
import { SearchBulkError, type SearchBulkFailure } from './search-bulk-error.js';
import { SearchClient, type BulkOperation, type SearchRefresh } from './search-client.js';
import type { SearchContext } from './search-context.js';
import { executionOperations, taskRunTombstones, type ExecutionProjection } from './search-execution-documents.js';
import { SearchExecutionRepository } from './search-execution-repository.js';
import { SearchFlowRepository } from './search-flow-repository.js';
import { dropSearchIndices, ensureSearchIndices, searchIndexNames, type SearchIndexNames } from './search-indices.js';
import { SearchKvRepository } from './search-kv-repository.js';
import { SearchLogRepository, type IndexedLogEntry } from './search-log-repository.js';
import { SearchServiceInstanceRepository } from './search-service-instance-repository.js';
import { backfillTaskRunExecutionFields, syncTaskRunExecutionFields } from './search-task-run-execution-fields.js';
import { SearchTaskRunRepository } from './search-task-run-repository.js';
import { openSearchTransport, type SearchProduct } from './search-transport.js';
import { SearchTriggerRepository } from './search-trigger-repository.js';

export interface SearchRepositoryOptions {
  /**
   * The server's product, which picks its client: `opensearch` (default; opensearch-js, also serves
   * Elasticsearch 7.17) or `elasticsearch` (@elastic/elasticsearch: Elasticsearch 7.17, 8 and 9).
   */
  product?: SearchProduct;
  /** One node's URL, or several of the same cluster (requests are spread and retried across them). */
  url: string | string[];
  /** Every index and template is named `<indexPrefix>-<kind>`; default `osprey`. */
  indexPrefix?: string;
  username?: string;
  password?: string;
  /**
   * Refresh of the writes the API reads back at once (flows, triggers, kv, instances, deletes, direct log
   * appends): `true` (default) makes each visible to searches immediately, `'wait_for'` waits for the next
   * periodic refresh, `false` leaves them to it (searches may then miss a write for up to `refreshInterval`).
   */
  refresh?: SearchRefresh;
  /** Replicas of each index (`number_of_replicas`): default 0 (a single node); 1 or more in production, so that losing a node loses no data. */
  replicas?: number;
  /** Primary shards of each index (`number_of_shards`), default 1. */
  shards?: number;
  /** The indices' periodic refresh (e.g. `'1s'`, the server's default when unset). */
  refreshInterval?: string;
  /** Per request; default 30 s. */
  requestTimeoutMs?: number;
  /** Retries of a request on a connection failure or timeout; default 3. */
  maxRetries?: number;
  /**
   * Creates or extends the indices and templates at open, and gives task-run documents written before they
   * carried their execution's labels and parent that copy (default true).
   */
  createIndices?: boolean;
  /** Failures of housekeeping that do not fail a request (lazy cleanup of expired kv entries); ignored by default. */
  onError?: (error: Error) => void;
}

/**
 * The repository port on OpenSearch or Elasticsearch (the same REST API, each through its own client): one index
 * per kind of document.
 * Beyond the port it offers the indexer's bulk projections (`indexExecutions`, `indexLogs`), `ping` and `drop`.
 */
export class SearchRepository implements Repository {
  readonly flows: SearchFlowRepository;
  readonly executions: SearchExecutionRepository;
  readonly taskRuns: SearchTaskRunRepository;
  readonly logs: SearchLogRepository;
  readonly triggers: SearchTriggerRepository;
  readonly kv: SearchKvRepository;
  readonly instances: SearchServiceInstanceRepository;

  constructor(
    readonly client: SearchClient,
    readonly indices: SearchIndexNames,
    private readonly ctx: SearchContext,
  ) {
    this.flows = new SearchFlowRepository(ctx);
    this.executions = new SearchExecutionRepository(ctx);
    this.taskRuns = new SearchTaskRunRepository(ctx);
    this.logs = new SearchLogRepository(ctx);
    this.triggers = new SearchTriggerRepository(ctx);
    this.kv = new SearchKvRepository(ctx);
    this.instances = new SearchServiceInstanceRepository(ctx);
  }

  /**
   * Writes each execution and one document per task run in one bulk request, idempotently: ids come from the
   * source, and the execution's `version` is the documents' external version, so a redelivered older copy
   * never overwrites a newer one. An execution may come with only its changed task runs
   * (`{ execution, changedTaskRuns }`); the others are kept as stored, with their copy of the execution's labels
   * and parent brought up to date (one more search of its task runs). Throws SearchUnavailableError when the
   * server cannot be reached and SearchBulkError when documents were rejected: nothing is then known to be
   * written, and the caller retries the batch.
   */
  async indexExecutions(executions: readonly ExecutionProjection[], options: { refresh?: SearchRefresh } = {}): Promise<void> {
    const operations = executionOperations(this.indices, executions);
    const items = await this.client.bulk(operations, options.refresh ?? false);
    const failures: SearchBulkFailure[] = [];
    items.forEach((item, i) => {
      // 409: the stored document has a newer version, which is what must win.
      if (item.error && item.status !== 409) failures.push({ index: operations[i]!.index, id: item.id, status: item.status, type: item.error.type, reason: item.error.reason });
    });
    if (failures.length > 0) throw new SearchBulkError(failures);
    await this.buryDeleted(operations, items.map((item) => item.status), options.refresh ?? false);
    const partial = executions.flatMap((projection) => ('execution' in projection ? [projection.execution] : []));
    if (partial.length > 0) await syncTaskRunExecutionFields(this.client, this.indices, partial, options.refresh ?? false);
  }

  /**
   * An execution refused (409) may be a deleted one: its task runs written by the same batch get tombstones too,
   * or a task run created after the deletion would show in searches.
   */
  private async buryDeleted(operations: readonly BulkOperation[], statuses: readonly number[], refresh: SearchRefresh): Promise<void> {
    const refused = operations.filter((op, i) => op.index === this.indices.executions && statuses[i] === 409).map((op) => op.id!);
    if (refused.length === 0) return;
    const deleted = await this.client.search<never>(this.indices.executions, {
      query: { bool: { filter: [{ ids: { values: refused } }, { term: { deleted: true } }] } },
      size: refused.length,
      _source: false,
    });
    const tombstones = deleted.hits.flatMap((hit) => {
      const taskRunIds = operations.filter((op) => op.index === this.indices.taskRuns && (op.document as { executionId?: string }).executionId === hit._id).map((op) => op.id!);
      return taskRunTombstones(this.indices, hit._id, taskRunIds);
    });
    const items = await this.client.bulk(tombstones, refresh);
    const failures = items.filter((item) => item.error).map((item) => ({ index: this.indices.taskRuns, id: item.id, status: item.status, type: item.error!.type, reason: item.error!.reason }));
    if (failures.length > 0) throw new SearchBulkError(failures);
  }

  /** Writes log entries in one bulk request under their given ids (a redelivery overwrites the same documents). */
  async indexLogs(entries: readonly IndexedLogEntry[], options: { refresh?: SearchRefresh } = {}): Promise<void> {
    await this.logs.index(entries, options.refresh ?? false);
  }

  /** Writes an execution and the given task runs outside the indexer (imports, tests), with the API's refresh. */
  async writeExecution(execution: Execution, changedTaskRuns: readonly TaskRun[] = execution.taskRunList): Promise<void> {
    await this.indexExecutions([{ execution, changedTaskRuns }], { refresh: this.ctx.refresh });
  }

  /** Whether the server answers and the cluster is at least yellow (readiness). */
  async ping(timeoutMs = 2_000): Promise<boolean> {
    return this.client.ping(timeoutMs);
  }

  /** Deletes this repository's indices and templates (tests, resets). */
  async drop(): Promise<void> {
    await dropSearchIndices(this.client, this.indices);
  }

  async close(): Promise<void> {
    await this.client.close();
  }
}

export async function openSearchRepository(options: SearchRepositoryOptions): Promise<SearchRepository> {
  const indices = searchIndexNames(options.indexPrefix ?? 'osprey');
  const client = new SearchClient(
    await openSearchTransport(options.product ?? 'opensearch', {
      url: options.url,
      username: options.username,
      password: options.password,
      requestTimeoutMs: options.requestTimeoutMs ?? 30_000,
      maxRetries: options.maxRetries ?? 3,
    }),
  );
  try {
    if (options.createIndices !== false) {
      await ensureSearchIndices(client, indices, {
        numberOfShards: options.shards ?? 1,
        numberOfReplicas: options.replicas ?? 0,
        refreshInterval: options.refreshInterval,
      });
      await backfillTaskRunExecutionFields(client, indices);
    }
  } catch (error) {
    await client.close();
    throw error;
  }
  const ctx: SearchContext = { client, indices, refresh: options.refresh ?? true, onError: options.onError ?? (() => undefined) };
  return new SearchRepository(client, indices, ctx);
}
