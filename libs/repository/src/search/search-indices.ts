import type { SearchClient } from './search-client.js';
import { SearchRequestError } from './search-request-error.js';

const keyword = { type: 'keyword' } as const;
const date = { type: 'date', format: 'strict_date_optional_time||epoch_millis' } as const;
const long = { type: 'long' } as const;
const integer = { type: 'integer' } as const;
const boolean = { type: 'boolean' } as const;
/** Stored in _source only: read back whole, never searched, so its arbitrary keys cannot explode the mapping. */
const stored = { type: 'object', enabled: false } as const;

/**
 * The indices of one repository and the fields each one searches. Every index is `dynamic: false`: documents
 * keep everything in `_source`, only the fields below are indexed.
 */
export const SEARCH_INDICES = {
  flows: { namespace: keyword, id: keyword, revision: integer, disabled: boolean, deleted: boolean, updated: date, labels: keyword, flow: stored },
  flowRevisions: { namespace: keyword, id: keyword, revision: integer, updated: date, flow: stored },
  executions: {
    id: keyword,
    namespace: keyword,
    flowId: keyword,
    state: keyword,
    startDate: date,
    endDate: date,
    labels: keyword,
    parentId: keyword,
    version: long,
    deleted: boolean,
    execution: stored,
  },
  taskRuns: {
    id: keyword,
    executionId: keyword,
    namespace: keyword,
    flowId: keyword,
    taskId: keyword,
    state: keyword,
    startDate: date,
    endDate: date,
    position: integer,
    seq: long,
    deleted: boolean,
    // The execution's, copied for the task-run filters on them (see TaskRunExecutionFields).
    labels: keyword,
    parentId: keyword,
    executionDigest: keyword,
    taskRun: stored,
  },
  logs: {
    namespace: keyword,
    flowId: keyword,
    executionId: keyword,
    taskId: keyword,
    taskRunId: keyword,
    triggerId: keyword,
    attemptNumber: integer,
    level: keyword,
    levelValue: integer,
    timestamp: date,
    // `wildcard` serves the API's case-insensitive substring search (`q`) on messages of any length.
    message: { type: 'wildcard' },
    seq: long,
  },
  triggers: { namespace: keyword, flowId: keyword, triggerId: keyword, nextMs: long, disabled: boolean, owner: keyword, ownerUntil: long, state: stored },
  kv: { namespace: keyword, key: keyword, expiresAtMs: long, updated: date, value: stored },
  instances: { id: keyword, type: keyword, state: keyword, heartbeatMs: long, instance: stored },
} as const;

export type SearchIndexKind = keyof typeof SEARCH_INDICES;

const SUFFIX: Record<SearchIndexKind, string> = {
  flows: 'flows',
  flowRevisions: 'flow-revisions',
  executions: 'executions',
  taskRuns: 'task-runs',
  logs: 'logs',
  triggers: 'triggers',
  kv: 'kv',
  instances: 'service-instances',
};

export type SearchIndexNames = Record<SearchIndexKind, string>;

export function searchIndexNames(prefix: string): SearchIndexNames {
  if (!/^[a-z0-9][a-z0-9_.-]*$/.test(prefix)) {
    throw new Error(`indexPrefix ${JSON.stringify(prefix)} is not a valid index name prefix: lowercase letters, digits, '_', '-', '.'`);
  }
  return Object.fromEntries(Object.entries(SUFFIX).map(([kind, suffix]) => [kind, `${prefix}-${suffix}`])) as SearchIndexNames;
}

export interface SearchIndexSettings {
  numberOfShards: number;
  numberOfReplicas: number;
  refreshInterval?: string;
}

function settingsOf(settings: SearchIndexSettings): Record<string, unknown> {
  return {
    number_of_shards: settings.numberOfShards,
    number_of_replicas: settings.numberOfReplicas,
    ...(settings.refreshInterval ? { refresh_interval: settings.refreshInterval } : {}),
  };
}

/**
 * The same fields with `wildcard` ones as `keyword`s, for servers without that type (Elasticsearch without its
 * x-pack module). Case-insensitive wildcard queries work on both; a keyword longer than `ignore_above` is not
 * indexed, so `q` cannot find log messages beyond 8191 characters there.
 */
function withoutWildcard(properties: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(
    Object.entries(properties).map(([field, mapping]) => [field, (mapping as { type?: string }).type === 'wildcard' ? { type: 'keyword', ignore_above: 8191 } : mapping]),
  );
}

function wildcardUnsupported(error: unknown): boolean {
  return error instanceof SearchRequestError && error.statusCode === 400 && /\[wildcard\]/.test(error.reason);
}

/**
 * Creates every index with its mapping, and an index template of the same name so that an index deleted under
 * a running writer comes back with the right mapping. Idempotent and safe when several processes open the
 * repository at once: an index another process created is kept and its mapping extended with any new field.
 */
export async function ensureSearchIndices(client: SearchClient, names: SearchIndexNames, settings: SearchIndexSettings): Promise<void> {
  let wildcard = true;
  for (const kind of Object.keys(SEARCH_INDICES) as SearchIndexKind[]) {
    const name = names[kind];
    const putTemplate = (mappings: unknown) =>
      client.request('PUT', `/_index_template/${name}`, { body: { index_patterns: [name], priority: 100, template: { settings: settingsOf(settings), mappings } } });
    let mappings = { dynamic: false, properties: wildcard ? SEARCH_INDICES[kind] : withoutWildcard(SEARCH_INDICES[kind]) };
    try {
      await putTemplate(mappings);
    } catch (error) {
      if (!wildcard || !wildcardUnsupported(error)) throw error;
      wildcard = false;
      mappings = { dynamic: false, properties: withoutWildcard(SEARCH_INDICES[kind]) };
      await putTemplate(mappings);
    }
    const { statusCode, body } = await client.request<{ error?: { type?: string } }>('PUT', `/${name}`, {
      body: { settings: settingsOf(settings), mappings },
      ignore: [400],
    });
    if (statusCode === 400) {
      const type = body.error?.type;
      if (type !== 'resource_already_exists_exception') throw new SearchRequestError(400, type ?? 'error', `cannot create index ${name}: ${JSON.stringify(body.error)}`);
      await client.request('PUT', `/${name}/_mapping`, { body: mappings });
    }
  }
}

/** Deletes the indices and templates of one prefix (tests, `osprey` resets); missing ones are skipped. */
export async function dropSearchIndices(client: SearchClient, names: SearchIndexNames): Promise<void> {
  const all = Object.values(names);
  await client.request('DELETE', `/${all.join(',')}`, { querystring: { ignore_unavailable: 'true' }, ignore: [404] });
  for (const name of all) await client.request('DELETE', `/_index_template/${name}`, { ignore: [404] });
}
