import { resolveTaskType } from '@osprey/flow-model';
import type { TaskRunner } from './task-runner.js';
import { LogTask } from './core/log.js';
import { EchoTask } from './core/echo.js';
import { ReturnTask } from './core/return.js';
import { OutputValuesTask } from './core/output-values.js';
import { FailTask } from './core/fail.js';
import { LabelsTask } from './core/labels.js';
import { SleepTask } from './core/sleep.js';
import { KvSetTask } from './core/kv-set.js';
import { KvGetTask } from './core/kv-get.js';
import { KvDeleteTask } from './core/kv-delete.js';
import { StorageWriteTask } from './core/storage-write.js';
import { StorageDeleteTask } from './core/storage-delete.js';
import { StorageSizeTask } from './core/storage-size.js';
import { StorageConcatTask } from './core/storage-concat.js';
import { LocalFilesTask } from './core/local-files.js';
import { HttpRequestTask } from './core/http-request.js';
import { ShellCommandsTask } from './scripts/shell-commands.js';
import { ShellScriptTask } from './scripts/shell-script.js';
import type { ShellTaskOptions } from './scripts/shell-task.js';

/** The runnable task types a worker can run, by type name (canonical or legacy alias). */
export interface TaskRegistry {
  get(type: string): TaskRunner | undefined;
  has(type: string): boolean;
  /** Every type name it answers to, canonical names and aliases. */
  types(): string[];
}

export interface TaskRegistryOptions {
  shell?: ShellTaskOptions;
}

interface Entry {
  type: string;
  runner: TaskRunner;
}

/** The registry of Osprey's runnable tasks, keyed by Kestra's `io.kestra.plugin.core.*` names and old aliases. */
export function createTaskRegistry(options: TaskRegistryOptions = {}): TaskRegistry {
  const entries: Entry[] = [
    { type: 'io.kestra.plugin.core.log.Log', runner: new LogTask() },
    { type: 'io.kestra.plugin.core.debug.Echo', runner: new EchoTask() },
    { type: 'io.kestra.plugin.core.debug.Return', runner: new ReturnTask() },
    { type: 'io.kestra.plugin.core.output.OutputValues', runner: new OutputValuesTask() },
    { type: 'io.kestra.plugin.core.execution.Fail', runner: new FailTask() },
    { type: 'io.kestra.plugin.core.execution.Labels', runner: new LabelsTask() },
    { type: 'io.kestra.plugin.core.flow.Sleep', runner: new SleepTask() },
    { type: 'io.kestra.plugin.core.kv.Set', runner: new KvSetTask() },
    { type: 'io.kestra.plugin.core.kv.Get', runner: new KvGetTask() },
    { type: 'io.kestra.plugin.core.kv.Delete', runner: new KvDeleteTask() },
    { type: 'io.kestra.plugin.core.storage.Write', runner: new StorageWriteTask() },
    { type: 'io.kestra.plugin.core.storage.Delete', runner: new StorageDeleteTask() },
    { type: 'io.kestra.plugin.core.storage.Size', runner: new StorageSizeTask() },
    { type: 'io.kestra.plugin.core.storage.Concat', runner: new StorageConcatTask() },
    { type: 'io.kestra.plugin.core.storage.LocalFiles', runner: new LocalFilesTask() },
    { type: 'io.kestra.plugin.core.http.Request', runner: new HttpRequestTask() },
    { type: 'io.kestra.plugin.scripts.shell.Commands', runner: new ShellCommandsTask(options.shell) },
    { type: 'io.kestra.plugin.scripts.shell.Script', runner: new ShellScriptTask(options.shell) },
  ];

  // Legacy names (io.kestra.core.tasks.*) resolve through the flow model's registry of task types, the one list of aliases.
  const byType = new Map<string, TaskRunner>();
  for (const entry of entries) byType.set(entry.type, entry.runner);
  const canonical = (type: string) => resolveTaskType(type)?.name ?? type;
  return {
    get: (type) => byType.get(canonical(type)),
    has: (type) => byType.has(canonical(type)),
    types: () => [...byType.keys()].flatMap((type) => [type, ...(resolveTaskType(type)?.aliases ?? [])]),
  };
}
