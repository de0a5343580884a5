import {
  ASSERT_TASK,
  TEMPLATED_TASK,
  ECHO_TASK,
  EXECUTION_COUNT_TASK,
  EXECUTION_PURGE_TASK,
  TRIGGER_TOGGLE_TASK,
  FAIL_TASK,
  FOR_EACH_ITEM_MERGE_TASK,
  FOR_EACH_ITEM_SPLIT_TASK,
  DISCORD_EXECUTION_TASK,
  DISCORD_INCOMING_WEBHOOK_TASK,
  GIT_CLONE_TASK,
  HTTP_DOWNLOAD_TASK,
  HTTP_REQUEST_TASK,
  JDBC_DATABASES,
  JDBC_TASK_TYPES,
  KV_DELETE_TASK,
  KV_GET_TASK,
  KV_SET_TASK,
  LABELS_TASK,
  LOCAL_FILES_TASK,
  LOG_FETCH_TASK,
  LOG_PURGE_TASK,
  LOG_TASK,
  OUTPUT_VALUES_TASK,
  RETURN_TASK,
  resolveTaskType,
  S3_FAMILIES,
  S3_OPERATIONS,
  S3_TASK_TYPES,
  SCRIPT_LANGUAGES,
  SCRIPT_TASK_TYPES,
  SLACK_EXECUTION_TASK,
  SLACK_INCOMING_WEBHOOK_TASK,
  SLEEP_TASK,
  KV_GET_KEYS_TASK,
  NAMESPACE_DELETE_FILES_TASK,
  NAMESPACE_DOWNLOAD_FILES_TASK,
  NAMESPACE_UPLOAD_FILES_TASK,
  KV_PURGE_TASK,
  STATE_DELETE_TASK,
  STATE_GET_TASK,
  STATE_SET_TASK,
  STORAGE_CONCAT_TASK,
  STORAGE_DEDUPLICATE_ITEMS_TASK,
  STORAGE_DELETE_TASK,
  STORAGE_FILTER_ITEMS_TASK,
  STORAGE_PURGE_CURRENT_EXECUTION_FILES_TASK,
  STORAGE_REVERSE_TASK,
  STORAGE_SPLIT_TASK,
  STORAGE_SIZE_TASK,
  STORAGE_WRITE_TASK,
  TEAMS_EXECUTION_TASK,
  TEAMS_INCOMING_WEBHOOK_TASK,
} from '@osprey/flow-model';
import type { TaskRunner } from './task-runner.js';
import type { LoadedPlugin } from './plugin-host/plugin-loader.js';
import { LogTask } from './core/log.js';
import { LogFetchTask } from './core/log-fetch.js';
import { EchoTask } from './core/echo.js';
import { ReturnTask } from './core/return.js';
import { OutputValuesTask } from './core/output-values.js';
import { FailTask } from './core/fail.js';
import { AssertTask } from './core/assert.js';
import { TemplatedTaskRunner } from './core/templated-task.js';
import { ExecutionCountTask } from './core/execution-count.js';
import { LabelsTask } from './core/labels.js';
import { SleepTask } from './core/sleep.js';
import { KvSetTask } from './core/kv-set.js';
import { KvGetTask } from './core/kv-get.js';
import { KvDeleteTask } from './core/kv-delete.js';
import { StorageWriteTask } from './core/storage-write.js';
import { StorageDeleteTask } from './core/storage-delete.js';
import { StorageSizeTask } from './core/storage-size.js';
import { StorageConcatTask } from './core/storage-concat.js';
import { StorageSplitTask } from './core/storage-split.js';
import { ForEachItemSplitTask } from './core/for-each-item-split.js';
import { ForEachItemMergeTask } from './core/for-each-item-merge.js';
import { StorageReverseTask } from './core/storage-reverse.js';
import { StorageFilterItemsTask } from './core/storage-filter-items.js';
import { StorageDeduplicateItemsTask } from './core/storage-deduplicate-items.js';
import { StoragePurgeCurrentExecutionFilesTask } from './core/storage-purge-current-execution-files.js';
import { KvGetKeysTask } from './core/kv-get-keys.js';
import { NamespaceUploadFilesTask } from './core/namespace-upload-files.js';
import { NamespaceDownloadFilesTask } from './core/namespace-download-files.js';
import { NamespaceDeleteFilesTask } from './core/namespace-delete-files.js';
import { KvPurgeTask } from './core/kv-purge.js';
import { LogPurgeTask } from './core/log-purge.js';
import { ExecutionPurgeTask } from './core/execution-purge.js';
import { TriggerToggleTask } from './core/trigger-toggle.js';
import { StateSetTask } from './core/state-set.js';
import { StateGetTask } from './core/state-get.js';
import { StateDeleteTask } from './core/state-delete.js';
import { LocalFilesTask } from './core/local-files.js';
import { HttpRequestTask } from './core/http-request.js';
import { HttpDownloadTask } from './core/http-download.js';
import { ScriptTask, type ScriptTaskOptions } from './scripts/script-task.js';
import { JdbcQueryTask } from './jdbc/jdbc-query-task.js';
import { S3Task } from './s3/s3-task.js';
import { GitCloneTask } from './git/git-clone-task.js';
import { IncomingWebhookTask } from './notifications/incoming-webhook-task.js';
import { ExecutionNotificationTask } from './notifications/execution-notification-task.js';

/** The runnable task types a worker can run, by type name (canonical or legacy alias). */
export interface TaskRegistry {
  get(type: string): TaskRunner | undefined;
  has(type: string): boolean;
  /** Every type name it answers to, canonical names and aliases. */
  types(): string[];
}

export interface TaskRegistryOptions {
  /** Options of every script task (io.kestra.plugin.scripts.*): kill grace, base environment, dependency cache folder. */
  scripts?: ScriptTaskOptions;
  /** The plugins the configuration lists, loaded at start (loadPlugins): their task types join Osprey's own. */
  plugins?: readonly LoadedPlugin[];
}

interface Entry {
  type: string;
  runner: TaskRunner;
}

/** The registry of Osprey's runnable tasks, keyed by Kestra's `io.kestra.plugin.core.*` names and old aliases, and of the loaded plugins' tasks. */
export function createTaskRegistry(options: TaskRegistryOptions = {}): TaskRegistry {
  const entries: Entry[] = [
    { type: LOG_TASK.name, runner: new LogTask() },
    { type: LOG_FETCH_TASK.name, runner: new LogFetchTask() },
    { type: LOG_PURGE_TASK.name, runner: new LogPurgeTask() },
    { type: ECHO_TASK.name, runner: new EchoTask() },
    { type: RETURN_TASK.name, runner: new ReturnTask() },
    { type: OUTPUT_VALUES_TASK.name, runner: new OutputValuesTask() },
    { type: FAIL_TASK.name, runner: new FailTask() },
    { type: ASSERT_TASK.name, runner: new AssertTask() },
    { type: TEMPLATED_TASK.name, runner: new TemplatedTaskRunner((type) => registry.get(type)) },
    { type: EXECUTION_COUNT_TASK.name, runner: new ExecutionCountTask() },
    { type: EXECUTION_PURGE_TASK.name, runner: new ExecutionPurgeTask() },
    { type: TRIGGER_TOGGLE_TASK.name, runner: new TriggerToggleTask() },
    { type: LABELS_TASK.name, runner: new LabelsTask() },
    { type: SLEEP_TASK.name, runner: new SleepTask() },
    { type: KV_SET_TASK.name, runner: new KvSetTask() },
    { type: KV_GET_TASK.name, runner: new KvGetTask() },
    { type: KV_DELETE_TASK.name, runner: new KvDeleteTask() },
    { type: STORAGE_WRITE_TASK.name, runner: new StorageWriteTask() },
    { type: STORAGE_DELETE_TASK.name, runner: new StorageDeleteTask() },
    { type: STORAGE_SIZE_TASK.name, runner: new StorageSizeTask() },
    { type: STORAGE_CONCAT_TASK.name, runner: new StorageConcatTask() },
    { type: STORAGE_SPLIT_TASK.name, runner: new StorageSplitTask() },
    // The worker parts of a ForEachItem (its subflows are started by the executor).
    { type: FOR_EACH_ITEM_SPLIT_TASK.name, runner: new ForEachItemSplitTask() },
    { type: FOR_EACH_ITEM_MERGE_TASK.name, runner: new ForEachItemMergeTask() },
    { type: STORAGE_REVERSE_TASK.name, runner: new StorageReverseTask() },
    { type: STORAGE_FILTER_ITEMS_TASK.name, runner: new StorageFilterItemsTask() },
    { type: STORAGE_DEDUPLICATE_ITEMS_TASK.name, runner: new StorageDeduplicateItemsTask() },
    { type: STORAGE_PURGE_CURRENT_EXECUTION_FILES_TASK.name, runner: new StoragePurgeCurrentExecutionFilesTask() },
    { type: KV_GET_KEYS_TASK.name, runner: new KvGetKeysTask() },
    { type: NAMESPACE_UPLOAD_FILES_TASK.name, runner: new NamespaceUploadFilesTask() },
    { type: NAMESPACE_DOWNLOAD_FILES_TASK.name, runner: new NamespaceDownloadFilesTask() },
    { type: NAMESPACE_DELETE_FILES_TASK.name, runner: new NamespaceDeleteFilesTask() },
    { type: KV_PURGE_TASK.name, runner: new KvPurgeTask() },
    { type: STATE_SET_TASK.name, runner: new StateSetTask() },
    { type: STATE_GET_TASK.name, runner: new StateGetTask() },
    { type: STATE_DELETE_TASK.name, runner: new StateDeleteTask() },
    { type: LOCAL_FILES_TASK.name, runner: new LocalFilesTask() },
    { type: HTTP_REQUEST_TASK.name, runner: new HttpRequestTask() },
    { type: HTTP_DOWNLOAD_TASK.name, runner: new HttpDownloadTask() },
    { type: SLACK_INCOMING_WEBHOOK_TASK.name, runner: new IncomingWebhookTask('slack') },
    { type: TEAMS_INCOMING_WEBHOOK_TASK.name, runner: new IncomingWebhookTask('teams') },
    { type: DISCORD_INCOMING_WEBHOOK_TASK.name, runner: new IncomingWebhookTask('discord') },
    { type: SLACK_EXECUTION_TASK.name, runner: new ExecutionNotificationTask('slack') },
    { type: TEAMS_EXECUTION_TASK.name, runner: new ExecutionNotificationTask('teams') },
    { type: DISCORD_EXECUTION_TASK.name, runner: new ExecutionNotificationTask('discord') },
    { type: GIT_CLONE_TASK.name, runner: new GitCloneTask() },
    ...S3_FAMILIES.flatMap((family) => S3_OPERATIONS.map((operation) => ({ type: S3_TASK_TYPES[family][operation].name, runner: new S3Task(family, operation) }))),
    ...JDBC_DATABASES.flatMap((database) => [
      { type: JDBC_TASK_TYPES[database].query.name, runner: new JdbcQueryTask(database, 'query') },
      { type: JDBC_TASK_TYPES[database].queries.name, runner: new JdbcQueryTask(database, 'queries') },
    ]),
    ...SCRIPT_LANGUAGES.flatMap((language) => [
      { type: SCRIPT_TASK_TYPES[language].commands.name, runner: new ScriptTask(language, 'commands', options.scripts) },
      { type: SCRIPT_TASK_TYPES[language].script.name, runner: new ScriptTask(language, 'script', options.scripts) },
    ]),
    ...(options.plugins ?? []).flatMap((plugin) => plugin.tasks.map((task) => ({ type: task.definition.name, runner: task.runner }))),
  ];

  // Legacy names (io.kestra.core.tasks.*) resolve through the flow model's registry of task types, the one list of aliases.
  const byType = new Map<string, TaskRunner>();
  for (const entry of entries) byType.set(entry.type, entry.runner);
  const canonical = (type: string) => resolveTaskType(type)?.name ?? type;
  const registry: TaskRegistry = {
    get: (type) => byType.get(canonical(type)),
    has: (type) => byType.has(canonical(type)),
    types: () => [...byType.keys()].flatMap((type) => [type, ...(resolveTaskType(type)?.aliases ?? [])]),
  };
  return registry;
}
