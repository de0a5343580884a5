import { z } from 'zod';
import { declaredProperties, indexByName, propertySpecs, type PluginDefinition, type PropertySpec, type RefusedProperties } from './plugin-definition.js';
import { prop } from './property-schema.js';
import { LOG_LEVELS } from '../execution/task-log-level.js';

/**
 * A task type Osprey can run: runnables go to workers, flowables are resolved by the executor, and `execution` tasks
 * (Kestra's ExecutionUpdatableTask: Exit, SetVariables, ...) change the execution itself, done by the executor too.
 */
export interface TaskTypeDefinition<S extends z.ZodRawShape = z.ZodRawShape> extends PluginDefinition<S> {
  kind: 'runnable' | 'flowable' | 'execution';
  /** Properties holding child tasks (`tasks`, `then`, `cases`, ...), besides `errors` and `finally`. */
  childTaskProperties: readonly string[];
  /** The npm package (or path) of the plugin that declared it; absent on Osprey's own types. */
  plugin?: string;
}

/** Properties every task accepts, whatever its type. */
export const COMMON_TASK_SHAPE = {
  id: prop.string().describe('Identifier, unique in the flow.'),
  type: prop.string().describe('The plugin type, e.g. io.kestra.plugin.core.log.Log.'),
  description: prop.string().describe('Free text; Markdown in the UI.').optional(),
  disabled: prop.boolean({ expressions: false }).describe('A disabled task does not run.').optional(),
  retry: prop.map().describe('Retry policy: type constant, exponential or random, with maxAttempt or maxDuration.').optional(),
  timeout: prop.duration().describe('Longest run time, as an ISO-8601 duration (PT30S, PT5M).').optional(),
  runIf: prop.string().describe('Expression; the task runs only when it is true.').optional(),
  allowFailure: prop.boolean({ expressions: false }).describe('A failure of this task does not fail the execution (WARNING instead).').optional(),
  allowWarning: prop.boolean({ expressions: false }).describe('A WARNING of this task counts as SUCCESS.').optional(),
  errors: prop.tasks({ allowEmpty: true }).describe('Tasks run when a task of this scope fails.').optional(),
  finally: prop.tasks({ allowEmpty: true }).describe('Tasks run at the end of this scope, whatever its state.').optional(),
  logLevel: prop.enumOf(LOG_LEVELS).describe('Lowest level of the logs kept.').optional(),
  // Its own properties (key, fallback) are checked with WORKER_GROUP_PROPERTIES, once plugin defaults are applied.
  workerGroup: prop.map().describe('Only workers started with --worker-group <key> run this task: {key, fallback: WAIT | FAIL}.').optional(),
};

export const COMMON_TASK_REFUSED: RefusedProperties = {
  logToFile: 'logs are always stored in the log repository, never as a file',
  taskCache: 'task outputs are not cached: the task runs every time',
};

/** The common properties as descriptors, refused ones included (docs, plugins API). */
export const COMMON_TASK_PROPERTIES: Readonly<Record<string, PropertySpec>> = propertySpecs(COMMON_TASK_SHAPE, COMMON_TASK_REFUSED);

const CHILD_TASK_TYPES = new Set(['tasks', 'taskCases', 'dagTasks']);

function task<S extends z.ZodRawShape>(
  kind: TaskTypeDefinition['kind'],
  name: string,
  aliases: string[],
  shape: S,
  extra: { refused?: RefusedProperties; deprecated?: boolean } = {},
): TaskTypeDefinition<S> {
  const declared = declaredProperties(shape, extra.refused);
  return {
    kind,
    name,
    aliases,
    ...declared,
    childTaskProperties: Object.keys(declared.properties).filter((p) => CHILD_TASK_TYPES.has(declared.properties[p]!.type)),
    ...(extra.deprecated ? { deprecated: true } : {}),
  };
}

const CORE = 'io.kestra.plugin.core';
const LEGACY = 'io.kestra.core.tasks';
/** The types a KV value can be stored as (kv.Set's `kvType`). */
export const KV_TYPES = ['STRING', 'NUMBER', 'BOOLEAN', 'DATETIME', 'DATE', 'DURATION', 'JSON'] as const;

// Runnable core tasks

export const LOG_TASK = task('runnable', `${CORE}.log.Log`, [`${LEGACY}.log.Log`], {
  message: prop.any().describe('The message to log: a string or a list of strings.'),
  level: prop.enumOf(LOG_LEVELS).optional(),
});
export const RETURN_TASK = task('runnable', `${CORE}.debug.Return`, [`${LEGACY}.debugs.Return`], {
  format: prop.string().describe('A text, usually an expression: its rendered value is the output `value`.').optional(),
});
export const ECHO_TASK = task(
  'runnable',
  `${CORE}.debug.Echo`,
  [`${LEGACY}.debugs.Echo`],
  { format: prop.string().describe('The text to log.'), level: prop.enumOf(LOG_LEVELS).optional() },
  { deprecated: true },
);
export const OUTPUT_VALUES_TASK = task('runnable', `${CORE}.output.OutputValues`, [`${LEGACY}.outputs.OutputValues`], {
  values: prop.map().optional(),
});
export const FAIL_TASK = task('runnable', `${CORE}.execution.Fail`, [`${LEGACY}.executions.Fail`], {
  condition: prop.string().optional(),
  errorMessage: prop.string().optional(),
});
export const ASSERT_TASK = task('runnable', `${CORE}.execution.Assert`, [], {
  conditions: prop.list(prop.string(), { expressions: false }).describe('Expressions, each rendered; one that renders false, 0, -0 or an empty text fails.'),
  errorMessage: prop.string().describe('Added to the failure message.').optional(),
});
export const TEMPLATED_TASK = task('runnable', `${CORE}.templating.TemplatedTask`, [], {
  spec: prop.string().describe('A task definition in YAML, rendered, then run in place of this task; it must be a runnable type other than TemplatedTask.'),
});
export const LABELS_TASK = task('runnable', `${CORE}.execution.Labels`, [`${LEGACY}.executions.Labels`], { labels: prop.any() });
export const LOCAL_FILES_TASK = task(
  'runnable',
  `${CORE}.storage.LocalFiles`,
  [`${LEGACY}.storages.LocalFiles`],
  { inputs: prop.any().optional(), outputs: prop.stringOrList().optional() },
  { deprecated: true },
);
export const KV_SET_TASK = task('runnable', `${CORE}.kv.Set`, [], {
  key: prop.string(),
  value: prop.any(),
  namespace: prop.string().optional(),
  overwrite: prop.boolean().optional(),
  ttl: prop.duration().optional(),
  kvType: prop.enumOf(KV_TYPES).optional(),
});
export const KV_GET_TASK = task('runnable', `${CORE}.kv.Get`, [], {
  key: prop.string(),
  namespace: prop.string().optional(),
  errorOnMissing: prop.boolean().optional(),
});
export const KV_DELETE_TASK = task('runnable', `${CORE}.kv.Delete`, [], {
  key: prop.string(),
  namespace: prop.string().optional(),
  errorOnMissing: prop.boolean().optional(),
});
export const STORAGE_WRITE_TASK = task('runnable', `${CORE}.storage.Write`, [], { content: prop.any(), extension: prop.string().optional() });
export const STORAGE_DELETE_TASK = task('runnable', `${CORE}.storage.Delete`, [`${LEGACY}.storages.Delete`], {
  uri: prop.string(),
  errorOnMissing: prop.boolean().optional(),
});
export const STORAGE_SIZE_TASK = task('runnable', `${CORE}.storage.Size`, [`${LEGACY}.storages.Size`], { uri: prop.string() });
export const STORAGE_CONCAT_TASK = task('runnable', `${CORE}.storage.Concat`, [`${LEGACY}.storages.Concat`], {
  files: prop.any().describe('A list of URIs, or an expression producing one.'),
  extension: prop.string().optional(),
  separator: prop.string().optional(),
});
export const STORAGE_SPLIT_TASK = task('runnable', `${CORE}.storage.Split`, [`${LEGACY}.storages.Split`], {
  from: prop.string().describe('The kestra:// URI of the file to split.'),
  bytes: prop.string().describe('Largest size of a part, as a number of bytes or with a unit: 10MB, 200KB, 1GB.').optional(),
  partitions: prop.integer().describe('Splits into this many parts, the lines dealt out in turn.').optional(),
  rows: prop.integer().describe('Largest number of lines of a part.').optional(),
  separator: prop.string().describe('Written after each line (default a newline).').optional(),
});
export const STORAGE_REVERSE_TASK = task('runnable', `${CORE}.storage.Reverse`, [`${LEGACY}.storages.Reverse`], {
  from: prop.string().describe('The kestra:// URI of the file to reverse.'),
  separator: prop.string().describe('Written after each line (default a newline).').optional(),
  charset: prop.string().describe('UTF-8 (default), ISO-8859-1, US-ASCII or UTF-16LE.').optional(),
});
/** How FilterItems treats an item whose condition fails or renders nothing. */
export const FILTER_ERROR_OR_NULL_BEHAVIORS = ['FAIL', 'INCLUDE', 'EXCLUDE'] as const;
export const STORAGE_FILTER_ITEMS_TASK = task('runnable', `${CORE}.storage.FilterItems`, [`${LEGACY}.storages.FilterItems`], {
  from: prop.string().describe('The kestra:// URI of an ION or JSON Lines file, one item a line.'),
  filterCondition: prop.string().describe("Expression rendered for each item, with the item's fields as variables."),
  filterType: prop.enumOf(['INCLUDE', 'EXCLUDE']).optional(),
  errorOrNullBehavior: prop.enumOf(FILTER_ERROR_OR_NULL_BEHAVIORS).optional(),
});
export const STORAGE_DEDUPLICATE_ITEMS_TASK = task('runnable', `${CORE}.storage.DeduplicateItems`, [`${LEGACY}.storages.DeduplicateItems`], {
  from: prop.string().describe('The kestra:// URI of an ION or JSON Lines file, one item a line.'),
  expr: prop.string().describe("Expression rendered for each item, with the item's fields as variables: the deduplication key."),
});
export const STORAGE_PURGE_CURRENT_EXECUTION_FILES_TASK = task(
  'runnable',
  `${CORE}.storage.PurgeCurrentExecutionFiles`,
  [`${LEGACY}.storages.PurgeExecution`, `${CORE}.storage.PurgeExecution`],
  {},
);
export const KV_GET_KEYS_TASK = task('runnable', `${CORE}.kv.GetKeys`, [], {
  prefix: prop.string().describe('Only keys starting with this text.').optional(),
  namespace: prop.string().optional(),
});
/** What namespace.UploadFiles does with a file that already exists (Kestra's Namespace.Conflicts). */
export const NAMESPACE_FILE_CONFLICTS = ['OVERWRITE', 'ERROR', 'SKIP'] as const;
export const NAMESPACE_UPLOAD_FILES_TASK = task('runnable', `${CORE}.namespace.UploadFiles`, [], {
  namespace: prop.string().describe('The namespace the files are uploaded to.'),
  files: prop
    .any()
    .describe('A list of globs matching files of the working directory (or kestra:// URIs), uploaded under `destination`; or a map of target path to kestra:// URI.')
    .optional(),
  filesMap: prop.any().describe('A map of target path (under `destination`) to kestra:// URI, or an expression rendering to one.').optional(),
  destination: prop.string().describe('The folder the files go to (default `/`).').optional(),
  conflict: prop.enumOf(NAMESPACE_FILE_CONFLICTS).describe('When the file exists: OVERWRITE (default), ERROR or SKIP.').optional(),
});
export const NAMESPACE_DOWNLOAD_FILES_TASK = task('runnable', `${CORE}.namespace.DownloadFiles`, [], {
  namespace: prop.string().describe('The namespace the files are read from.'),
  files: prop.stringOrList().describe('A glob or a list of globs (`glob:` and `regex:` prefixes too) matching the namespace\'s file paths.'),
  destination: prop.string().describe('A folder prefix for the stored files (default none).').optional(),
});
export const NAMESPACE_DELETE_FILES_TASK = task('runnable', `${CORE}.namespace.DeleteFiles`, [], {
  namespace: prop.string().describe('The namespace the files are deleted from.'),
  files: prop.stringOrList().describe('A glob or a list of globs (`glob:` and `regex:` prefixes too) matching the namespace\'s file paths.'),
  deleteParentFolder: prop.boolean().describe('Kestra removes folders left empty; in Osprey a folder exists only while it holds files, so they go either way.').optional(),
});
/** kv.PurgeKV's `behavior`: which entries of the chosen keys are purged. */
export const KV_PURGE_BEHAVIOR_PROPERTIES = declaredProperties(
  {
    type: prop.enumOf(['key', 'version'], { version: "Osprey's KV store keeps one version of each key: there are no old versions to purge" }).describe('`key`: purge whole keys.'),
    expiredOnly: prop.boolean().describe('Only keys whose TTL has passed (default true).').optional(),
  },
  {
    before: "a version purge is not supported: Osprey's KV store keeps one version of each key",
    keepAmount: "a version purge is not supported: Osprey's KV store keeps one version of each key",
  },
);
export const KV_PURGE_TASK = task('runnable', `${CORE}.kv.PurgeKV`, [], {
  namespaces: prop.list().describe('Namespaces purged (with their children unless `includeChildNamespaces` is false); not with `namespacePattern`.').optional(),
  namespacePattern: prop.string().describe('A glob (`company.*`) the purged namespaces match; not with `namespaces`.').optional(),
  includeChildNamespaces: prop.boolean().describe('With `namespaces`, purge their child namespaces too (default true).').optional(),
  keyPattern: prop.string().describe('A glob (`AI_*`): only keys matching it are purged.').optional(),
  behavior: prop.map().describe('`{type: key, expiredOnly: true}` (the default): purge only expired keys, or every key with `expiredOnly: false`.').optional(),
  expiredOnly: prop.boolean().describe('Deprecated form of `behavior.expiredOnly`; overrides `behavior` when set.').optional(),
});
// Shared by the state tasks (Kestra's AbstractState): a state is a map stored in the flow's namespace KV store.
const STATE_SHAPE = {
  name: prop.string().describe('Name of the state (default `default`).').optional(),
  namespace: prop.boolean().describe('true shares the state between the flows of the namespace (default false: per flow).').optional(),
  taskrunValue: prop.boolean().describe('false shares the state between the iterations of a loop (default true: one per `taskrun.value`).').optional(),
};
export const STATE_SET_TASK = task('runnable', `${CORE}.state.Set`, [`${LEGACY}.states.Set`], {
  ...STATE_SHAPE,
  data: prop.map().describe('Merged into the stored state.').optional(),
});
export const STATE_GET_TASK = task('runnable', `${CORE}.state.Get`, [`${LEGACY}.states.Get`], { ...STATE_SHAPE, errorOnMissing: prop.boolean().optional() });
export const STATE_DELETE_TASK = task('runnable', `${CORE}.state.Delete`, [`${LEGACY}.states.Delete`], { ...STATE_SHAPE, errorOnMissing: prop.boolean().optional() });
export const LOG_FETCH_TASK = task('runnable', `${CORE}.log.Fetch`, [`${LEGACY}.log.Fetch`], {
  namespace: prop.string().describe("The execution's namespace (default the flow's).").optional(),
  flowId: prop.string().describe("The execution's flow (default the current flow).").optional(),
  executionId: prop.string().describe('The execution whose logs are fetched (default the current one).').optional(),
  tasksId: prop.list(undefined, { expressions: false }).describe('Only the logs of these task ids.').optional(),
  level: prop.enumOf(LOG_LEVELS).describe('The lowest level fetched (default INFO).').optional(),
});
export const LOG_PURGE_TASK = task(
  'runnable',
  `${CORE}.log.PurgeLogs`,
  [],
  {
    namespace: prop.string().describe('With `flowId`, the namespace of the flow; without, this namespace and its children.').optional(),
    flowId: prop.string().describe('Only the logs of this flow (needs `namespace`).').optional(),
    executionId: prop.string().describe('Only the logs of this execution.').optional(),
    logLevels: prop.list(prop.enumOf(LOG_LEVELS), { expressions: false }).describe('Only logs at these levels (default every level).').optional(),
    startDate: prop.string().describe('Only logs stamped at or after this ISO date-time.').optional(),
    endDate: prop.string().describe('Only logs stamped at or before this ISO date-time.'),
    purgeExecutionLogs: prop.boolean().describe('Purge the logs of executions (default true).').optional(),
    purgeNonExecutionLogs: prop.boolean().describe('Purge logs outside executions (default true); Osprey keeps none, so there is nothing to purge.').optional(),
  },
  { refused: { batchSize: 'the matching logs are deleted with one statement (or one delete-by-query); there is no batch size to set' } },
);
export const TRIGGER_TOGGLE_TASK = task('runnable', `${CORE}.trigger.Toggle`, [`${LEGACY}.trigger.Toggle`], {
  namespace: prop.string().describe("The namespace of the trigger's flow (default the current flow's).").optional(),
  flowId: prop.string().describe("The trigger's flow (default the current flow).").optional(),
  trigger: prop.string().describe('The id of the trigger to enable or disable.'),
  enabled: prop.boolean().describe('true enables the trigger, false (the default) disables it.').optional(),
});
/** Execution states, as execution.Count's `states` names them. */
const EXECUTION_STATES = ['CREATED', 'QUEUED', 'RUNNING', 'PAUSED', 'RESTARTED', 'KILLING', 'SUCCESS', 'WARNING', 'FAILED', 'KILLED', 'CANCELLED', 'SKIPPED', 'RETRYING', 'RETRIED', 'BREAKPOINT'] as const;
export const EXECUTION_COUNT_TASK = task('runnable', `${CORE}.execution.Count`, [`${LEGACY}.executions.Counts`], {
  flows: prop.list(undefined, { expressions: false }).describe('Flows counted one by one: a list of {namespace, flowId}.').optional(),
  namespaces: prop.list(undefined, { expressions: false }).describe('Namespaces counted as a whole (executions of this exact namespace).').optional(),
  states: prop.list(prop.enumOf(EXECUTION_STATES), { expressions: false }).describe('Only executions in these states.').optional(),
  startDate: prop.string().describe('Executions started at or after this ISO date-time.'),
  endDate: prop.string().describe('Executions started at or before this ISO date-time (default now).').optional(),
  expression: prop.string().describe('Rendered for each flow or namespace with its `count`: the results keep those that render `true`.'),
});
const UNFINISHED = 'an execution that has not ended is never purged: the executor still writes it (kill it first)';
export const EXECUTION_PURGE_TASK = task('runnable', `${CORE}.execution.PurgeExecutions`, [`${LEGACY}.storages.Purge`, `${CORE}.storage.Purge`], {
  namespace: prop.string().describe('With `flowId`, the namespace of the flow; without, this namespace and its children.').optional(),
  flowId: prop.string().describe('Only the executions of this flow (needs `namespace`).').optional(),
  startDate: prop.string().describe('Only executions started at or after this ISO date-time.').optional(),
  endDate: prop.string().describe('Only executions ended at or before this ISO date-time.'),
  states: prop
    .list(
      prop.enumOf(EXECUTION_STATES, { CREATED: UNFINISHED, QUEUED: UNFINISHED, RUNNING: UNFINISHED, PAUSED: UNFINISHED, RESTARTED: UNFINISHED, KILLING: UNFINISHED, RETRYING: UNFINISHED, BREAKPOINT: UNFINISHED }),
      { expressions: false },
    )
    .describe('Only executions in these (ended) states (default every ended state).')
    .optional(),
  purgeExecution: prop.boolean().describe('Delete the executions with their task runs (default true).').optional(),
  purgeLog: prop.boolean().describe("Delete the executions' logs (default true).").optional(),
  purgeMetric: prop.boolean().describe('Metrics live on the task runs: purged with the executions, and only with them.').optional(),
  purgeStorage: prop.boolean().describe("Delete the executions' files from internal storage (default true).").optional(),
  batchSize: prop.integer().describe('Executions read and purged per batch (default 100).').optional(),
});
export const HTTP_REQUEST_TASK = task(
  'runnable',
  `${CORE}.http.Request`,
  ['io.kestra.plugin.fs.http.Request'],
  {
    uri: prop.string(),
    method: prop.string().optional(),
    body: prop.any().optional(),
    formData: prop.map().optional(),
    contentType: prop.string().optional(),
    headers: prop.map().optional(),
    params: prop.map().optional(),
    // The options libs/plugins/src/core/http-request.ts reads (Kestra's current and deprecated names); proxies,
    // pools and charsets are not implemented and are refused by name.
    options: prop
      .map(undefined, {
        keys: ['timeout', 'connectTimeout', 'readTimeout', 'readIdleTimeout', 'followRedirects', 'allowFailed', 'allowedResponseCodes', 'maxContentLength', 'auth', 'basicAuthUser', 'basicAuthPassword'],
      })
      .optional(),
    allowFailed: prop.boolean().optional(),
  },
  {
    refused: {
      sslOptions: 'TLS options are not implemented: the system trust store is used',
      encryptBody: 'encrypted bodies are not implemented',
    },
  },
);

/** The databases of Kestra's JDBC plugins that Osprey runs Query and Queries on: `io.kestra.plugin.jdbc.<database>.*`. */
export const JDBC_DATABASES = ['postgresql', 'mysql', 'sqlite'] as const;
export type JdbcDatabase = (typeof JDBC_DATABASES)[number];
/** What a JDBC query does with the rows of its result set (Kestra's FetchType). */
export const JDBC_FETCH_TYPES = ['NONE', 'FETCH_ONE', 'FETCH', 'STORE'] as const;

const NO_POOL = 'Osprey opens one connection per task run and closes it at the end: there is no pool to configure';
// Shared by io.kestra.plugin.jdbc.AbstractJdbcBaseQuery descendants.
const JDBC_SHAPE = {
  url: prop.string().describe('The JDBC URL: jdbc:postgresql://host:port/db, jdbc:mysql://host:port/db (or jdbc:mariadb://), jdbc:sqlite:<file>.'),
  username: prop.string().optional(),
  password: prop.string().optional(),
  sql: prop.string().describe('The SQL, rendered; named parameters are written :name.'),
  parameters: prop.map().describe('Values of the :name placeholders of sql, bound as statement parameters (never spliced into the text).').optional(),
  fetchType: prop.enumOf(JDBC_FETCH_TYPES).describe('NONE (default), FETCH_ONE (output row), FETCH (output rows), STORE (rows to an internal storage file, output uri).').optional(),
  fetch: prop.boolean().describe('Deprecated: fetchType FETCH.').optional(),
  fetchOne: prop.boolean().describe('Deprecated: fetchType FETCH_ONE.').optional(),
  store: prop.boolean().describe('Deprecated: fetchType STORE.').optional(),
};
const JDBC_REFUSED: RefusedProperties = {
  connectionPooling: NO_POOL,
  connectionPoolSize: NO_POOL,
  fetchSize: 'rows are streamed from the server as it sends them: there is no fetch size to set',
  timeZoneId: 'dates and times are returned as ISO-8601 text as the database gives them, in no other time zone',
  outputFiles: 'output files of a JDBC task are not implemented',
};
const JDBC_DATABASE_SHAPES: Record<JdbcDatabase, z.ZodRawShape> = {
  postgresql: {},
  mysql: {},
  // Kestra's default is jdbc:sqlite: (an in-memory database).
  sqlite: { url: JDBC_SHAPE.url.optional() },
};
const NO_TLS_PROPERTIES = 'TLS is set with sslmode in the url (jdbc:postgresql://host/db?sslmode=require); certificate properties are not implemented';
const JDBC_DATABASE_REFUSED: Record<JdbcDatabase, RefusedProperties> = {
  postgresql: { ssl: NO_TLS_PROPERTIES, sslMode: NO_TLS_PROPERTIES, sslRootCert: NO_TLS_PROPERTIES, sslCert: NO_TLS_PROPERTIES, sslKey: NO_TLS_PROPERTIES, sslKeyPassword: NO_TLS_PROPERTIES },
  mysql: { inputFile: 'LOAD DATA LOCAL INFILE from a storage file is not implemented' },
  sqlite: {
    sqliteFile: 'a database file from internal storage is not implemented: name a file on the worker in the url',
    outputDbFile: 'uploading the database file is not implemented',
  },
};

function jdbcTasks(database: JdbcDatabase): { query: TaskTypeDefinition; queries: TaskTypeDefinition } {
  const name = `io.kestra.plugin.jdbc.${database}`;
  const refused = { ...JDBC_REFUSED, ...JDBC_DATABASE_REFUSED[database] };
  const shape = { ...JDBC_SHAPE, ...JDBC_DATABASE_SHAPES[database] };
  return {
    query: task('runnable', `${name}.Query`, [], { ...shape, afterSQL: prop.string().describe('One statement run after sql, in the same transaction.').optional() }, { refused }),
    queries: task('runnable', `${name}.Queries`, [], { ...shape, transaction: prop.boolean().describe('Runs the statements in one transaction, rolled back if one fails (default true).').optional() }, {
      refused: { ...refused, afterSQL: 'afterSQL belongs to the Query task: add the statement to sql' },
    }),
  };
}

/** The `Query` and `Queries` task types of each JDBC database. */
export const JDBC_TASK_TYPES: Readonly<Record<JdbcDatabase, { query: TaskTypeDefinition; queries: TaskTypeDefinition }>> = Object.fromEntries(
  JDBC_DATABASES.map((database) => [database, jdbcTasks(database)]),
) as Record<JdbcDatabase, { query: TaskTypeDefinition; queries: TaskTypeDefinition }>;
/** Every property some JDBC task reads (each type declares a subset). */
export type JdbcTaskProperties = z.infer<z.ZodObject<typeof JDBC_SHAPE & { afterSQL: z.ZodOptional<ReturnType<typeof prop.string>>; transaction: z.ZodOptional<ReturnType<typeof prop.boolean>> }, z.core.$strip>>;

const NOTIFICATIONS = 'io.kestra.plugin.notifications';
/** The HTTP options of a notification task (Kestra's AbstractHttpOptionsTask.RequestOptions) that Osprey reads. */
export const WEBHOOK_OPTION_KEYS = ['connectTimeout', 'readTimeout', 'readIdleTimeout', 'headers'] as const;
const WEBHOOK_SHAPE = {
  url: prop.string().describe('The incoming webhook URL.'),
  payload: prop.string().describe('The JSON body posted to the webhook, usually a template.').optional(),
  options: prop.map(undefined, { keys: WEBHOOK_OPTION_KEYS }).describe('HTTP options: connectTimeout, readTimeout (default PT10S), readIdleTimeout, headers.').optional(),
};
export const SLACK_INCOMING_WEBHOOK_TASK = task('runnable', `${NOTIFICATIONS}.slack.SlackIncomingWebhook`, [], {
  ...WEBHOOK_SHAPE,
  messageText: prop.string().describe('Sent as {"text": ...} with Markdown turned into Slack mrkdwn, or as is when it is a JSON object; payload wins.').optional(),
});
export const TEAMS_INCOMING_WEBHOOK_TASK = task('runnable', `${NOTIFICATIONS}.teams.TeamsIncomingWebhook`, [], WEBHOOK_SHAPE);
export const DISCORD_INCOMING_WEBHOOK_TASK = task('runnable', `${NOTIFICATIONS}.discord.DiscordIncomingWebhook`, [], WEBHOOK_SHAPE);

const EXECUTION_MESSAGE_SHAPE = {
  url: WEBHOOK_SHAPE.url,
  options: WEBHOOK_SHAPE.options,
  executionId: prop.string().describe('The execution to report: the current one by default, {{ trigger.executionId }} under a Flow trigger.').optional(),
  customFields: prop.map().describe('Extra name/value fields added to the message.').optional(),
  customMessage: prop.string().describe('A text added to the message.').optional(),
};
const BUILT_MESSAGE = 'the message is built from the execution: send your own with the IncomingWebhook task';
const EXECUTION_MESSAGE_REFUSED: RefusedProperties = {
  templateUri: BUILT_MESSAGE,
  templateRenderMap: BUILT_MESSAGE,
};
export const SLACK_EXECUTION_TASK = task(
  'runnable',
  `${NOTIFICATIONS}.slack.SlackExecution`,
  [],
  {
    ...EXECUTION_MESSAGE_SHAPE,
    channel: prop.string().describe('Legacy webhooks only: the channel to post to.').optional(),
    username: prop.string().describe('Legacy webhooks only: the author shown.').optional(),
    iconUrl: prop.string().optional(),
    iconEmoji: prop.string().optional(),
  },
  { refused: { ...EXECUTION_MESSAGE_REFUSED, payload: BUILT_MESSAGE, messageText: BUILT_MESSAGE } },
);
export const TEAMS_EXECUTION_TASK = task(
  'runnable',
  `${NOTIFICATIONS}.teams.TeamsExecution`,
  [],
  { ...EXECUTION_MESSAGE_SHAPE, themeColor: prop.string().optional(), activityTitle: prop.string().optional(), activitySubtitle: prop.string().optional() },
  { refused: { ...EXECUTION_MESSAGE_REFUSED, payload: BUILT_MESSAGE } },
);
export const DISCORD_EXECUTION_TASK = task(
  'runnable',
  `${NOTIFICATIONS}.discord.DiscordExecution`,
  [],
  {
    ...EXECUTION_MESSAGE_SHAPE,
    payload: prop.string().describe('When set, posted as it is instead of the execution message (as Kestra does).').optional(),
    username: prop.string().optional(),
    avatarUrl: prop.string().optional(),
    content: prop.string().optional(),
  },
  { refused: { ...EXECUTION_MESSAGE_REFUSED, embedList: 'extra embeds are not implemented: the message has the execution embed only' } },
);

export const HTTP_DOWNLOAD_TASK = task(
  'runnable',
  `${CORE}.http.Download`,
  ['io.kestra.plugin.fs.http.Download'],
  {
    ...HTTP_REQUEST_TASK.shape,
    failOnEmptyResponse: prop.boolean().describe('Fail when the response has no body (default true).').optional(),
  },
  { refused: { sslOptions: 'TLS options are not implemented: the system trust store is used' } },
);

/** The two plugin families whose S3 tasks Osprey runs: io.kestra.plugin.aws.s3.* and io.kestra.plugin.minio.*. */
export const S3_FAMILIES = ['aws', 'minio'] as const;
export type S3Family = (typeof S3_FAMILIES)[number];
export const S3_OPERATIONS = ['upload', 'download', 'list', 'delete'] as const;
export type S3Operation = (typeof S3_OPERATIONS)[number];

const NO_STS = 'assuming an IAM role through STS is not implemented: give accessKeyId and secretKeyId (or a sessionToken)';
const S3_CONNECTION: Record<S3Family, { shape: z.ZodRawShape; refused: RefusedProperties }> = {
  aws: {
    shape: {
      region: prop.string().describe('The AWS region (default us-east-1).').optional(),
      endpointOverride: prop.string().describe('The S3 endpoint of another S3-compatible server, e.g. http://minio:9000.').optional(),
      forcePathStyle: prop.boolean().describe('Address buckets as path segments, never as host names.').optional(),
      compatibilityMode: prop.boolean().describe('Accepted either way: Osprey sends plain S3 requests, without the checksums it turns off.').optional(),
      accessKeyId: prop.string().optional(),
      secretKeyId: prop.string().optional(),
      sessionToken: prop.string().optional(),
      bucket: prop.string(),
    },
    refused: {
      stsRoleArn: NO_STS,
      stsRoleExternalId: NO_STS,
      stsRoleSessionName: NO_STS,
      stsRoleSessionDuration: NO_STS,
      stsEndpointOverride: NO_STS,
      requestPayer: 'requester-pays buckets are not implemented',
      expectedBucketOwner: 'bucket owner checks are not implemented',
    },
  },
  minio: {
    shape: {
      endpoint: prop.string().describe('The server, e.g. http://minio:9000 (https:// for TLS).'),
      region: prop.string().optional(),
      accessKeyId: prop.string().optional(),
      secretKeyId: prop.string().optional(),
      bucket: prop.string(),
    },
    refused: {
      clientPem: 'client certificates are not implemented',
      caPem: 'custom certificate authorities are not implemented: the system trust store is used',
    },
  },
};
const ONE_OBJECT = 'only one object is transferred by key: listing several by prefix is not implemented';
const S3_OPERATION_SHAPES: Record<S3Family, Record<S3Operation, { shape: z.ZodRawShape; refused?: RefusedProperties }>> = {
  aws: {
    upload: {
      shape: {
        from: prop.string().describe('The kestra:// URI of the file to upload.'),
        key: prop.string(),
        metadata: prop.map().optional(),
        contentType: prop.string().optional(),
        cacheControl: prop.string().optional(),
        contentEncoding: prop.string().optional(),
        contentDisposition: prop.string().optional(),
        contentLanguage: prop.string().optional(),
        expires: prop.string().optional(),
      },
      refused: Object.fromEntries(
        ['contentLength', 'acl', 'storageClass', 'serverSideEncryption', 'bucketKeyEnabled', 'checksumAlgorithm', 'checksum', 'objectLockMode', 'objectLockLegalHoldStatus', 'objectLockRetainUntilDate', 'tagging', 'concurrentUploads'].map(
          (name) => [name, 'not implemented: the object is stored with its content headers and metadata only'],
        ),
      ),
    },
    download: {
      shape: { key: prop.string(), versionId: prop.string().optional() },
      refused: Object.fromEntries(['prefix', 'delimiter', 'marker', 'maxKeys', 'regexp', 'maxFiles', 'validateChecksum'].map((name) => [name, ONE_OBJECT])),
    },
    list: {
      shape: {
        prefix: prop.string().optional(),
        regexp: prop.string().describe('Keeps the keys the regular expression matches whole.').optional(),
        filter: prop.enumOf(['FILES', 'DIRECTORY', 'BOTH']).optional(),
        maxFiles: prop.integer().describe('The most objects output (default 25).').optional(),
      },
      refused: Object.fromEntries(['delimiter', 'marker', 'encodingType', 'maxKeys'].map((name) => [name, 'every key under the prefix is listed, page by page, by Osprey'])),
    },
    delete: { shape: { key: prop.string(), bypassGovernanceRetention: prop.boolean().optional() }, refused: { mfa: 'MFA delete is not implemented' } },
  },
  minio: {
    upload: { shape: { from: prop.string().describe('The kestra:// URI of the file to upload.'), key: prop.string(), contentType: prop.string().optional(), metadata: prop.map().optional() } },
    download: { shape: { key: prop.string(), versionId: prop.string().optional() } },
    list: {
      shape: { prefix: prop.string().optional(), regexp: prop.string().optional(), filter: prop.enumOf(['FILES', 'DIRECTORY', 'BOTH']).optional() },
      refused: Object.fromEntries(['startAfter', 'delimiter', 'marker', 'maxKeys'].map((name) => [name, 'every key under the prefix is listed, page by page, by Osprey'])),
    },
    delete: { shape: { key: prop.string(), bypassGovernanceRetention: prop.boolean().optional() } },
  },
};
const S3_TYPE_NAMES: Record<S3Family, Record<S3Operation, string>> = {
  aws: { upload: 'io.kestra.plugin.aws.s3.Upload', download: 'io.kestra.plugin.aws.s3.Download', list: 'io.kestra.plugin.aws.s3.List', delete: 'io.kestra.plugin.aws.s3.Delete' },
  minio: { upload: 'io.kestra.plugin.minio.Upload', download: 'io.kestra.plugin.minio.Download', list: 'io.kestra.plugin.minio.List', delete: 'io.kestra.plugin.minio.Delete' },
};

/** The Upload, Download, List and Delete task types of each S3 family. */
export const S3_TASK_TYPES: Readonly<Record<S3Family, Record<S3Operation, TaskTypeDefinition>>> = Object.fromEntries(
  S3_FAMILIES.map((family) => [
    family,
    Object.fromEntries(
      S3_OPERATIONS.map((operation) => {
        const own = S3_OPERATION_SHAPES[family][operation];
        const connection = S3_CONNECTION[family];
        return [operation, task('runnable', S3_TYPE_NAMES[family][operation], [], { ...connection.shape, ...own.shape }, { refused: { ...connection.refused, ...own.refused } })];
      }),
    ),
  ]),
) as Record<S3Family, Record<S3Operation, TaskTypeDefinition>>;

const NO_SSH = 'only HTTP(S) remotes are implemented: SSH keys are not';
export const GIT_CLONE_TASK = task(
  'runnable',
  'io.kestra.plugin.git.Clone',
  [],
  {
    url: prop.string().describe('The http:// or https:// URL of the repository.'),
    directory: prop.string().describe('Where to clone, relative to the working directory (default: the working directory itself).').optional(),
    branch: prop.string().describe('The branch to check out (default: the remote HEAD).').optional(),
    depth: prop.integer().describe('How many commits to fetch (default 1); ignored with commit or tag.').optional(),
    commit: prop.string().describe('A commit SHA (short allowed) to check out, detached.').optional(),
    tag: prop.string().describe('A tag to check out, detached; commit wins.').optional(),
    cloneAllBranches: prop.boolean().describe('false fetches the checked-out branch only (default true).').optional(),
    noTags: prop.boolean().describe('Do not fetch tags.').optional(),
    username: prop.string().describe('HTTP basic authentication user.').optional(),
    password: prop.string().describe('HTTP basic authentication password or token.').optional(),
  },
  {
    refused: {
      privateKey: NO_SSH,
      passphrase: NO_SSH,
      cloneSubmodules: 'submodules are not cloned',
      trustedCaPemPath: 'custom certificate authorities are not implemented: the system trust store is used',
      noProxy: 'proxies are not implemented',
      connectTimeout: 'git timeouts are not implemented: use the task timeout',
      readTimeout: 'git timeouts are not implemented: use the task timeout',
      gitConfig: 'git configuration entries are not implemented',
      kestraUrl: 'not used by Clone in Osprey',
    },
  },
);

/** The one task runner Osprey has: the script runs as a process on the worker host. */
export const PROCESS_TASK_RUNNER = 'io.kestra.plugin.core.runner.Process';
const NO_TASK_RUNNER = 'scripts run as processes on the worker host: no task runner or container is available';

// Shared by io.kestra.plugin.scripts.exec.AbstractExecScript descendants.
/** The flow's namespace files copied into the working directory before the commands run (folderPerNamespace, namespaces and ifExists are refused by name). */
const NAMESPACE_FILES = prop
  .map(undefined, { keys: ['enabled', 'include', 'exclude'] })
  .describe("The flow's namespace files copied into the working directory: {enabled (default true), include, exclude} with globs.");

export const SCRIPT_SHAPE = {
  beforeCommands: prop.stringOrList().optional(),
  interpreter: prop.stringOrList().optional(),
  env: prop.map().optional(),
  taskRunner: prop.map().describe(`A task runner: only ${PROCESS_TASK_RUNNER}.`).optional(),
  runner: prop.enumOf(['PROCESS', 'DOCKER'], { DOCKER: NO_TASK_RUNNER }).optional(),
  namespaceFiles: NAMESPACE_FILES.optional(),
  inputFiles: prop.any().optional(),
  outputFiles: prop.stringOrList().optional(),
  warningOnStdErr: prop.boolean().optional(),
  failFast: prop.boolean().optional(),
  targetOS: prop.enumOf(['LINUX', 'WINDOWS', 'AUTO'], { WINDOWS: 'scripts run with a POSIX shell on Linux workers' }).optional(),
  outputDirectory: prop.boolean().optional(),
  executionContext: prop
    .boolean()
    .describe('Writes the execution metadata (inputs, outputs, labels, vars, trigger, flow, execution, task, taskrun) to .kestra-execution-context.json while the commands run.')
    .optional(),
};
/** What every shell script task reads besides its commands. */
export type ScriptProperties = z.infer<z.ZodObject<typeof SCRIPT_SHAPE, z.core.$strip>>;

const SCRIPT_REFUSED: RefusedProperties = {
  containerImage: NO_TASK_RUNNER,
  docker: NO_TASK_RUNNER,
  exitOnFailed: 'use failFast (a failing command line stops the script unless failFast is false)',
};

/** The languages of Kestra's script plugins, each with its `Commands` and `Script` task: `io.kestra.plugin.scripts.<language>.*`. */
export const SCRIPT_LANGUAGES = ['shell', 'python', 'node', 'ruby', 'r', 'julia', 'powershell', 'go'] as const;
export type ScriptLanguage = (typeof SCRIPT_LANGUAGES)[number];

const DEPENDENCIES = prop.stringOrList().describe('Packages installed before the commands run, into an environment cached on the worker per set of packages.');
const PYTHON_SHAPE = {
  dependencies: DEPENDENCIES.optional(),
  pythonVersion: prop.string().describe('Runs with python<version> (e.g. python3.12), which must be on the worker.').optional(),
  dependencyCacheEnabled: prop.boolean().describe('false installs the dependencies afresh in the working directory on every run.').optional(),
  packageManager: prop.enumOf(['UV', 'PIP']).describe('UV (the default) uses uv when it is on the PATH and pip otherwise; PIP always uses pip.').optional(),
};
const NO_UV_DOWNLOAD = 'Osprey never downloads uv: it uses the uv on the worker\'s PATH, or pip';
const LANGUAGE_SHAPES: Partial<Record<ScriptLanguage, z.ZodRawShape>> = { python: PYTHON_SHAPE, node: { dependencies: DEPENDENCIES.optional() } };
const LANGUAGE_REFUSED: Partial<Record<ScriptLanguage, RefusedProperties>> = {
  python: { uvAutoInstallEnabled: NO_UV_DOWNLOAD, uvInstallerVersion: NO_UV_DOWNLOAD, uvInstallerSha256: NO_UV_DOWNLOAD },
};

/** Every property some script task reads: each type declares a subset (only python and node have `dependencies`). */
type ScriptTaskShape = typeof SCRIPT_SHAPE &
  typeof PYTHON_SHAPE & { commands: z.ZodOptional<ReturnType<typeof prop.stringOrList>>; script: z.ZodOptional<ReturnType<typeof prop.string>> };
export type ScriptTaskProperties = z.infer<z.ZodObject<ScriptTaskShape, z.core.$strip>>;

function scriptTasks(language: ScriptLanguage): { commands: TaskTypeDefinition; script: TaskTypeDefinition } {
  const shape = { ...SCRIPT_SHAPE, ...LANGUAGE_SHAPES[language] };
  const refused = { ...SCRIPT_REFUSED, ...LANGUAGE_REFUSED[language] };
  const name = `io.kestra.plugin.scripts.${language}`;
  return {
    commands: task('runnable', `${name}.Commands`, [], { ...shape, commands: prop.stringOrList() }, { refused }),
    script: task('runnable', `${name}.Script`, [], { ...shape, script: prop.string() }, { refused }),
  };
}

/** The `Commands` and `Script` task types of each script language. */
export const SCRIPT_TASK_TYPES: Readonly<Record<ScriptLanguage, { commands: TaskTypeDefinition; script: TaskTypeDefinition }>> = Object.fromEntries(
  SCRIPT_LANGUAGES.map((language) => [language, scriptTasks(language)]),
) as Record<ScriptLanguage, { commands: TaskTypeDefinition; script: TaskTypeDefinition }>;
export const SHELL_COMMANDS_TASK = SCRIPT_TASK_TYPES.shell.commands;
export const SHELL_SCRIPT_TASK = SCRIPT_TASK_TYPES.shell.script;
export const SLEEP_TASK = task('runnable', `${CORE}.flow.Sleep`, [`${LEGACY}.flows.Sleep`], { duration: prop.duration() });

// Flowable core tasks

export const SEQUENTIAL_TASK = task('flowable', `${CORE}.flow.Sequential`, [`${LEGACY}.flows.Sequential`], { tasks: prop.tasks() });
export const PARALLEL_TASK = task('flowable', `${CORE}.flow.Parallel`, [`${LEGACY}.flows.Parallel`], {
  tasks: prop.tasks(),
  concurrent: prop.integer().optional(),
});
export const EACH_SEQUENTIAL_TASK = task(
  'flowable',
  `${CORE}.flow.EachSequential`,
  [`${LEGACY}.flows.EachSequential`],
  { value: prop.any(), tasks: prop.tasks() },
  { deprecated: true },
);
export const EACH_PARALLEL_TASK = task(
  'flowable',
  `${CORE}.flow.EachParallel`,
  [`${LEGACY}.flows.EachParallel`],
  { value: prop.any(), tasks: prop.tasks(), concurrent: prop.integer().optional() },
  { deprecated: true },
);
export const FOR_EACH_TASK = task('flowable', `${CORE}.flow.ForEach`, [`${LEGACY}.flows.ForEach`], {
  values: prop.any(),
  tasks: prop.tasks(),
  concurrencyLimit: prop.integer().optional(),
});
export const SWITCH_TASK = task('flowable', `${CORE}.flow.Switch`, [`${LEGACY}.flows.Switch`], {
  value: prop.string(),
  cases: prop.taskCases().optional(),
  defaults: prop.tasks({ allowEmpty: true }).optional(),
});
export const IF_TASK = task('flowable', `${CORE}.flow.If`, [`${LEGACY}.flows.If`], {
  condition: prop.string(),
  then: prop.tasks(),
  else: prop.tasks({ allowEmpty: true }).optional(),
});
export const ALLOW_FAILURE_TASK = task('flowable', `${CORE}.flow.AllowFailure`, [`${LEGACY}.flows.AllowFailure`], { tasks: prop.tasks() }, { deprecated: true });
export const SUBFLOW_TASK = task(
  'flowable',
  `${CORE}.flow.Subflow`,
  [`${LEGACY}.flows.Subflow`, `${CORE}.flow.Flow`, `${LEGACY}.flows.Flow`],
  {
    namespace: prop.string(),
    flowId: prop.string(),
    revision: prop.integer().optional(),
    // Each input value is rendered, the map itself is not: an expression in place of the map is refused.
    inputs: prop.map(undefined, { expressions: false }).optional(),
    labels: prop.any().optional(),
    wait: prop.boolean({ expressions: false }).optional(),
    transmitFailed: prop.boolean({ expressions: false }).optional(),
    inheritLabels: prop.boolean({ expressions: false }).optional(),
    outputs: prop.map().optional(),
    restartBehavior: prop.enumOf(['NEW_EXECUTION', 'RETRY_FAILED'], { RETRY_FAILED: 'a restarted Subflow task always starts a new execution of the subflow' }).optional(),
  },
  {
    refused: {
      scheduleDate: 'a subflow execution always starts at once',
      scheduleOnDate: 'a subflow execution always starts at once',
    },
  },
);
/** How ForEachItem splits its items: Kestra's Batch (bytes, then partitions, then rows, which defaults to 1). */
export const FOR_EACH_ITEM_BATCH_PROPERTIES = declaredProperties({
  rows: prop.integer().optional(),
  bytes: prop.string().optional(),
  partitions: prop.integer().optional(),
  separator: prop.string().optional(),
});
export const FOR_EACH_ITEM_TASK = task(
  'flowable',
  `${CORE}.flow.ForEachItem`,
  [`${LEGACY}.flows.ForEachItem`],
  {
    items: prop.string().describe('The kestra:// URI of a file of items, one a line (ION, JSON Lines, headerless CSV).'),
    batch: prop
      .map(undefined, { expressions: false, keys: Object.keys(FOR_EACH_ITEM_BATCH_PROPERTIES.shape) })
      .describe('rows (default 1), bytes (10MB), partitions or separator (default a newline); bytes wins over partitions, partitions over rows.')
      .optional(),
    namespace: prop.string(),
    flowId: prop.string(),
    revision: prop.integer().optional(),
    // Rendered once per batch, with `taskrun.items` (the batch file's URI) and `taskrun.iteration` (from 1).
    inputs: prop.map(undefined, { expressions: false }).optional(),
    labels: prop.any().optional(),
    wait: prop.boolean({ expressions: false }).optional(),
    transmitFailed: prop.boolean({ expressions: false }).optional(),
    inheritLabels: prop.boolean({ expressions: false }).optional(),
  },
  {
    refused: {
      scheduleDate: 'a subflow execution always starts at once',
      scheduleOnDate: 'a subflow execution always starts at once',
    },
  },
);
/**
 * The three runs a ForEachItem creates, as in Kestra (`<id>_split`, `<id>_items`, `<id>_merge`): internal types that
 * no flow names itself, so they are not in TASK_TYPES. Split and merge run on a worker; the executor starts the
 * subflows of `_items`.
 */
export const FOR_EACH_ITEM_SPLIT_TASK = task('runnable', `${CORE}.flow.ForEachItem$ForEachItemSplit`, [], {
  items: prop.string(),
  batch: prop.map().optional(),
});
export const FOR_EACH_ITEM_EXECUTABLE_TASK = task('flowable', `${CORE}.flow.ForEachItem$ForEachItemExecutable`, [], {
  namespace: prop.string(),
  flowId: prop.string(),
  revision: prop.integer().optional(),
  inputs: prop.map(undefined, { expressions: false }).optional(),
  labels: prop.any().optional(),
  wait: prop.boolean({ expressions: false }).optional(),
  transmitFailed: prop.boolean({ expressions: false }).optional(),
  inheritLabels: prop.boolean({ expressions: false }).optional(),
});
export const FOR_EACH_ITEM_MERGE_TASK = task('runnable', `${CORE}.flow.ForEachItem$ForEachItemMergeOutputs`, [], {});
export const PAUSE_TASK = task('flowable', `${CORE}.flow.Pause`, [`${LEGACY}.flows.Pause`], {
  delay: prop.duration().optional(),
  pauseDuration: prop.duration().optional(),
  behavior: prop.enumOf(['RESUME', 'WARN', 'CANCEL', 'FAIL']).optional(),
  onResume: prop.inputs().optional(),
  tasks: prop.tasks({ allowEmpty: true }).describe('Deprecated: tasks run after the pause.').optional(),
});
/** LoopUntil's `checkFrequency`, each key with its own type (checked when the flow is loaded, again once rendered). */
export const CHECK_FREQUENCY_PROPERTIES = declaredProperties({
  interval: prop.duration().optional(),
  maxIterations: prop.integer().optional(),
  maxDuration: prop.duration().optional(),
});
export const LOOP_UNTIL_TASK = task('flowable', `${CORE}.flow.LoopUntil`, [`${CORE}.flow.WaitFor`], {
  condition: prop.string().describe('Rendered after each iteration: the loop ends once it is truthy.'),
  tasks: prop.tasks(),
  checkFrequency: prop
    .map(undefined, { expressions: false, keys: Object.keys(CHECK_FREQUENCY_PROPERTIES.shape) })
    .describe('interval between iterations (PT1S), maxIterations (100), maxDuration (PT1H).')
    .optional(),
  failOnMaxReached: prop.boolean().describe('The loop fails, instead of ending as its last iteration, once maxIterations or maxDuration is reached.').optional(),
});
export const DAG_TASK = task('flowable', `${CORE}.flow.Dag`, [`${LEGACY}.flows.Dag`], { tasks: prop.dagTasks(), concurrent: prop.integer().optional() });
export const WORKING_DIRECTORY_TASK = task(
  'flowable',
  `${CORE}.flow.WorkingDirectory`,
  // Worker is the name WorkingDirectory had before.
  [`${LEGACY}.flows.WorkingDirectory`, `${LEGACY}.flows.Worker`],
  { tasks: prop.tasks(), namespaceFiles: NAMESPACE_FILES.optional(), inputFiles: prop.any().optional(), outputFiles: prop.stringOrList().optional() },
  {
    refused: {
      cache: 'working directory caches are not implemented',
    },
  },
);

// Tasks that change the execution itself, run by the executor

// Exit, SetVariables and UnsetVariables do all their work the moment they start, in the executor: nothing to retry.
const NOT_RETRIED: RefusedProperties = { retry: 'the executor runs this task at once when it starts: a failure is final (a restart of the execution runs it again)' };

export const EXIT_STATES = ['SUCCESS', 'WARNING', 'KILLED', 'FAILED', 'CANCELLED'] as const;
export const EXIT_TASK = task(
  'execution',
  `${CORE}.execution.Exit`,
  [],
  { state: prop.enumOf(EXIT_STATES).describe('The state the execution ends in (SUCCESS by default).').optional() },
  { refused: NOT_RETRIED },
);
export const SET_VARIABLES_TASK = task(
  'execution',
  `${CORE}.execution.SetVariables`,
  [],
  {
    variables: prop.map().describe('Merged into the execution variables that `vars` reads (nested maps merge).'),
    overwrite: prop.boolean().describe('false fails the task when one of the variables exists already.').optional(),
  },
  { refused: NOT_RETRIED },
);
export const UNSET_VARIABLES_TASK = task(
  'execution',
  `${CORE}.execution.UnsetVariables`,
  [],
  {
    variables: prop.list().describe('Names of the variables to remove; a dotted name removes a nested key.'),
    ignoreMissing: prop.boolean().describe('true: a variable that does not exist is skipped instead of failing the task.').optional(),
  },
  { refused: NOT_RETRIED },
);

export const RESUME_TASK = task('execution', `${CORE}.execution.Resume`, [], {
  executionId: prop.string().describe('The paused execution to resume; the current one by default.').optional(),
  namespace: prop.string().describe("The resumed execution's namespace (checked); the current one by default.").optional(),
  flowId: prop.string().describe("The resumed execution's flow (checked); the current one by default.").optional(),
  inputs: prop.map().describe('Inputs for the Pause that holds it, as its onResume declares them.').optional(),
});

/** Every task type Osprey supports, by canonical `io.kestra.plugin.core.*` name. */
export const TASK_TYPES: readonly TaskTypeDefinition[] = [
  LOG_TASK,
  RETURN_TASK,
  ECHO_TASK,
  OUTPUT_VALUES_TASK,
  FAIL_TASK,
  ASSERT_TASK,
  TEMPLATED_TASK,
  LABELS_TASK,
  LOCAL_FILES_TASK,
  KV_SET_TASK,
  KV_GET_TASK,
  KV_DELETE_TASK,
  STORAGE_WRITE_TASK,
  STORAGE_DELETE_TASK,
  STORAGE_SIZE_TASK,
  STORAGE_CONCAT_TASK,
  STORAGE_SPLIT_TASK,
  STORAGE_REVERSE_TASK,
  STORAGE_FILTER_ITEMS_TASK,
  STORAGE_DEDUPLICATE_ITEMS_TASK,
  STORAGE_PURGE_CURRENT_EXECUTION_FILES_TASK,
  KV_GET_KEYS_TASK,
  NAMESPACE_UPLOAD_FILES_TASK,
  NAMESPACE_DOWNLOAD_FILES_TASK,
  NAMESPACE_DELETE_FILES_TASK,
  KV_PURGE_TASK,
  LOG_FETCH_TASK,
  LOG_PURGE_TASK,
  EXECUTION_COUNT_TASK,
  EXECUTION_PURGE_TASK,
  TRIGGER_TOGGLE_TASK,
  STATE_SET_TASK,
  STATE_GET_TASK,
  STATE_DELETE_TASK,
  HTTP_REQUEST_TASK,
  HTTP_DOWNLOAD_TASK,
  SLACK_INCOMING_WEBHOOK_TASK,
  TEAMS_INCOMING_WEBHOOK_TASK,
  DISCORD_INCOMING_WEBHOOK_TASK,
  SLACK_EXECUTION_TASK,
  TEAMS_EXECUTION_TASK,
  DISCORD_EXECUTION_TASK,
  GIT_CLONE_TASK,
  ...S3_FAMILIES.flatMap((family) => S3_OPERATIONS.map((operation) => S3_TASK_TYPES[family][operation])),
  ...JDBC_DATABASES.flatMap((database) => [JDBC_TASK_TYPES[database].query, JDBC_TASK_TYPES[database].queries]),
  ...SCRIPT_LANGUAGES.flatMap((language) => [SCRIPT_TASK_TYPES[language].commands, SCRIPT_TASK_TYPES[language].script]),
  SLEEP_TASK,
  SEQUENTIAL_TASK,
  PARALLEL_TASK,
  EACH_SEQUENTIAL_TASK,
  EACH_PARALLEL_TASK,
  FOR_EACH_TASK,
  SWITCH_TASK,
  IF_TASK,
  ALLOW_FAILURE_TASK,
  SUBFLOW_TASK,
  FOR_EACH_ITEM_TASK,
  PAUSE_TASK,
  DAG_TASK,
  WORKING_DIRECTORY_TASK,
  LOOP_UNTIL_TASK,
  EXIT_TASK,
  SET_VARIABLES_TASK,
  UNSET_VARIABLES_TASK,
  RESUME_TASK,
];

const BY_NAME = indexByName(TASK_TYPES);
/** Task types of the plugins the configuration lists, registered once at start (see registerTaskTypes). */
const pluginTypes: TaskTypeDefinition[] = [];
const pluginByName = new Map<string, TaskTypeDefinition>();

/** Raised when a plugin's task type cannot join the registry (its name is taken, or it is malformed). */
export class TaskTypeRegistrationError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'TaskTypeRegistrationError';
  }
}

/**
 * Adds the runnable task types of a plugin to the one registry that validation, the JSON Schema, the plugins API and
 * the worker read. A name or alias already taken (by Osprey or another plugin) is refused naming both; registering the
 * same definition again is a no-op, so a process that builds several apps loads a plugin once.
 */
export function registerTaskTypes(definitions: readonly TaskTypeDefinition[]): void {
  const batch = new Map<string, TaskTypeDefinition>();
  for (const definition of definitions) {
    if (definition.kind !== 'runnable') throw new TaskTypeRegistrationError(`task type ${definition.name}: a plugin declares runnable tasks only`);
    for (const name of [definition.name, ...definition.aliases]) {
      const taken = BY_NAME.get(name) ?? pluginByName.get(name) ?? batch.get(name);
      if (taken && taken !== definition) throw new TaskTypeRegistrationError(`task type ${name} of ${definition.plugin ?? 'a plugin'} is already declared by ${taken.plugin ?? 'Osprey'}`);
      batch.set(name, definition);
    }
  }
  for (const definition of definitions) {
    if (pluginByName.get(definition.name) === definition) continue;
    pluginTypes.push(definition);
    for (const name of [definition.name, ...definition.aliases]) pluginByName.set(name, definition);
  }
}

/** Forgets the plugins' task types (tests that load plugins restore the registry with it). */
export function unregisterPluginTaskTypes(): void {
  pluginTypes.length = 0;
  pluginByName.clear();
}

/** Every task type a flow may use: Osprey's own, then those of the loaded plugins. */
export function taskTypes(): readonly TaskTypeDefinition[] {
  return pluginTypes.length === 0 ? TASK_TYPES : [...TASK_TYPES, ...pluginTypes];
}

/** Finds a task type by its canonical name or a legacy alias; `definition.name` is the canonical name. */
export function resolveTaskType(type: string): TaskTypeDefinition | undefined {
  return BY_NAME.get(type) ?? pluginByName.get(type);
}

/** A runnable task type declared by a plugin: its own properties, checked and documented as Osprey's own are. */
export function pluginTaskType(plugin: string, name: string, shape: z.ZodRawShape, extra: { aliases?: string[]; deprecated?: boolean } = {}): TaskTypeDefinition {
  const common = Object.keys(shape).filter((key) => key in COMMON_TASK_SHAPE || key in COMMON_TASK_REFUSED);
  if (common.length > 0) throw new TaskTypeRegistrationError(`task type ${name} of ${plugin}: ${common.map((key) => `'${key}'`).join(', ')} is a property every task has, declared by Osprey`);
  const definition = { ...task('runnable', name, extra.aliases ?? [], shape, { deprecated: extra.deprecated }), plugin };
  if (definition.childTaskProperties.length > 0) {
    throw new TaskTypeRegistrationError(`task type ${name} of ${plugin}: property '${definition.childTaskProperties[0]}' holds tasks, which only flowable types run (the executor's)`);
  }
  return definition;
}
