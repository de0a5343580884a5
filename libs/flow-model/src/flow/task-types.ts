import {
  indexByName,
  properties,
  refused,
  requiredProperties,
  type PluginDefinition,
  type PropertyShorthand,
  type PropertySpec,
} from './plugin-definition.js';
import { LOG_LEVELS } from '../execution/task-log-level.js';

/** A task type Osprey can run: runnables go to workers, flowables are resolved by the executor. */
export interface TaskTypeDefinition extends PluginDefinition {
  kind: 'runnable' | 'flowable';
  /** Properties holding child tasks (`tasks`, `then`, `cases`, ...), besides `errors` and `finally`. */
  childTaskProperties: readonly string[];
}


/** Properties every task accepts, whatever its type. */
export const COMMON_TASK_PROPERTIES: Readonly<Record<string, PropertySpec>> = properties({
  id: 'string!',
  type: 'string!',
  description: 'string',
  disabled: 'boolean',
  retry: 'map',
  timeout: 'duration',
  runIf: 'string',
  allowFailure: 'boolean',
  allowWarning: 'boolean',
  errors: 'tasks',
  finally: 'tasks',
  logLevel: { type: 'string', values: LOG_LEVELS },
  logToFile: refused('logs are always stored in the log repository, never as a file'),
  workerGroup: 'map',
  taskCache: refused('task outputs are not cached: the task runs every time'),
});

const CHILD_TASK_TYPES = new Set(['tasks', 'taskCases', 'dagTasks']);

function task(
  kind: TaskTypeDefinition['kind'],
  name: string,
  aliases: string[],
  shorthand: Record<string, PropertyShorthand>,
  extra: { deprecated?: boolean } = {},
): TaskTypeDefinition {
  const props = properties(shorthand);
  return {
    kind,
    name,
    aliases,
    properties: props,
    required: requiredProperties(props),
    childTaskProperties: Object.keys(props).filter((p) => CHILD_TASK_TYPES.has(props[p]!.type)),
    ...extra,
  };
}

const CORE = 'io.kestra.plugin.core';
const LEGACY = 'io.kestra.core.tasks';

const SUBFLOW_PROPERTIES: Record<string, PropertyShorthand> = {
  namespace: 'string!',
  flowId: 'string!',
  revision: 'integer',
  inputs: 'map',
  labels: 'any',
  wait: 'boolean',
  transmitFailed: 'boolean',
  inheritLabels: 'boolean',
  outputs: 'map',
  scheduleDate: refused('a subflow execution always starts at once'),
  scheduleOnDate: refused('a subflow execution always starts at once'),
  restartBehavior: {
    type: 'string',
    values: ['NEW_EXECUTION', 'RETRY_FAILED'],
    refusedValues: { RETRY_FAILED: 'a restarted Subflow task always starts a new execution of the subflow' },
  },
};

/** The one task runner Osprey has: the script runs as a process on the worker host. */
export const PROCESS_TASK_RUNNER = 'io.kestra.plugin.core.runner.Process';
const NO_TASK_RUNNER = 'scripts run as processes on the worker host: no task runner or container is available';

// Shared by io.kestra.plugin.scripts.exec.AbstractExecScript descendants.
const SCRIPT_PROPERTIES: Record<string, PropertyShorthand> = {
  beforeCommands: 'stringOrList',
  interpreter: 'stringOrList',
  env: 'map',
  taskRunner: 'map', // only the Process runner: see PROCESS_TASK_RUNNER
  containerImage: refused(NO_TASK_RUNNER),
  docker: refused(NO_TASK_RUNNER),
  runner: { type: 'string', values: ['PROCESS', 'DOCKER'], refusedValues: { DOCKER: NO_TASK_RUNNER } },
  inputFiles: 'any',
  outputFiles: 'stringOrList',
  namespaceFiles: refused('namespace files are not implemented'),
  warningOnStdErr: 'boolean',
  failFast: 'boolean',
  exitOnFailed: refused('use failFast (a failing command line stops the script unless failFast is false)'),
  targetOS: { type: 'string', values: ['LINUX', 'WINDOWS', 'AUTO'], refusedValues: { WINDOWS: 'scripts run with a POSIX shell on Linux workers' } },
  outputDirectory: 'boolean',
};

/** Every task type Osprey supports, by canonical `io.kestra.plugin.core.*` name. */
export const TASK_TYPES: readonly TaskTypeDefinition[] = [
  // Runnable core tasks
  task('runnable', `${CORE}.log.Log`, [`${LEGACY}.log.Log`], {
    message: 'any!', // a string or a list of strings
    level: { type: 'string', values: LOG_LEVELS },
  }),
  task('runnable', `${CORE}.debug.Return`, [`${LEGACY}.debugs.Return`], { format: 'string' }),
  task('runnable', `${CORE}.debug.Echo`, [`${LEGACY}.debugs.Echo`], {
    format: 'string!',
    level: { type: 'string', values: LOG_LEVELS },
  }, { deprecated: true }),
  task('runnable', `${CORE}.output.OutputValues`, [`${LEGACY}.outputs.OutputValues`], { values: 'map' }),
  task('runnable', `${CORE}.execution.Fail`, [`${LEGACY}.executions.Fail`], {
    condition: 'string',
    errorMessage: 'string',
  }),
  task('runnable', `${CORE}.execution.Labels`, [`${LEGACY}.executions.Labels`], { labels: 'any!' }),
  task('runnable', `${CORE}.storage.LocalFiles`, [`${LEGACY}.storages.LocalFiles`], {
    inputs: 'any',
    outputs: 'stringOrList',
  }, { deprecated: true }),
  task('runnable', `${CORE}.kv.Set`, [], {
    key: 'string!',
    value: 'any!',
    namespace: 'string',
    overwrite: 'boolean',
    ttl: 'duration',
    kvType: { type: 'string', values: ['STRING', 'NUMBER', 'BOOLEAN', 'DATETIME', 'DATE', 'DURATION', 'JSON'] },
  }),
  task('runnable', `${CORE}.kv.Get`, [], { key: 'string!', namespace: 'string', errorOnMissing: 'boolean' }),
  task('runnable', `${CORE}.kv.Delete`, [], { key: 'string!', namespace: 'string', errorOnMissing: 'boolean' }),
  task('runnable', `${CORE}.storage.Write`, [], { content: 'any!', extension: 'string' }),
  task('runnable', `${CORE}.storage.Delete`, [`${LEGACY}.storages.Delete`], {
    uri: 'string!',
    errorOnMissing: 'boolean',
  }),
  task('runnable', `${CORE}.storage.Size`, [`${LEGACY}.storages.Size`], { uri: 'string!' }),
  task('runnable', `${CORE}.storage.Concat`, [`${LEGACY}.storages.Concat`], {
    files: 'any!', // a list of URIs or an expression producing one
    extension: 'string',
    separator: 'string',
  }),
  task('runnable', `${CORE}.http.Request`, ['io.kestra.plugin.fs.http.Request'], {
    uri: 'string!',
    method: 'string',
    body: 'any',
    formData: 'map',
    contentType: 'string',
    headers: 'map',
    params: 'map',
    options: 'map',
    sslOptions: refused('TLS options are not implemented: the system trust store is used'),
    allowFailed: 'boolean',
    encryptBody: refused('encrypted bodies are not implemented'),
  }),
  task('runnable', 'io.kestra.plugin.scripts.shell.Commands', [], { ...SCRIPT_PROPERTIES, commands: 'stringOrList!' }),
  task('runnable', 'io.kestra.plugin.scripts.shell.Script', [], { ...SCRIPT_PROPERTIES, script: 'string!' }),
  task('runnable', `${CORE}.flow.Sleep`, [`${LEGACY}.flows.Sleep`], { duration: 'duration!' }),

  // Flowable core tasks
  task('flowable', `${CORE}.flow.Sequential`, [`${LEGACY}.flows.Sequential`], { tasks: 'tasks!' }),
  task('flowable', `${CORE}.flow.Parallel`, [`${LEGACY}.flows.Parallel`], {
    tasks: 'tasks!',
    concurrent: 'integer',
  }),
  task('flowable', `${CORE}.flow.EachSequential`, [`${LEGACY}.flows.EachSequential`], {
    value: 'any!',
    tasks: 'tasks!',
  }, { deprecated: true }),
  task('flowable', `${CORE}.flow.EachParallel`, [`${LEGACY}.flows.EachParallel`], {
    value: 'any!',
    tasks: 'tasks!',
    concurrent: 'integer',
  }, { deprecated: true }),
  task('flowable', `${CORE}.flow.ForEach`, [`${LEGACY}.flows.ForEach`], {
    values: 'any!',
    tasks: 'tasks!',
    concurrencyLimit: 'integer',
  }),
  task('flowable', `${CORE}.flow.Switch`, [`${LEGACY}.flows.Switch`], {
    value: 'string!',
    cases: 'taskCases',
    defaults: 'tasks',
  }),
  task('flowable', `${CORE}.flow.If`, [`${LEGACY}.flows.If`], {
    condition: 'string!',
    then: 'tasks!',
    else: 'tasks',
  }),
  task('flowable', `${CORE}.flow.AllowFailure`, [`${LEGACY}.flows.AllowFailure`], { tasks: 'tasks!' }, {
    deprecated: true,
  }),
  task('flowable', `${CORE}.flow.Subflow`, [`${LEGACY}.flows.Subflow`, `${CORE}.flow.Flow`, `${LEGACY}.flows.Flow`], SUBFLOW_PROPERTIES),
  task('flowable', `${CORE}.flow.Pause`, [`${LEGACY}.flows.Pause`], {
    delay: 'duration',
    pauseDuration: 'duration',
    behavior: { type: 'string', values: ['RESUME', 'WARN', 'CANCEL', 'FAIL'] },
    onResume: 'inputs',
    tasks: 'tasks', // deprecated, still run after the pause
  }),
  task('flowable', `${CORE}.flow.Dag`, [`${LEGACY}.flows.Dag`], { tasks: 'dagTasks!', concurrent: 'integer' }),
  task('flowable', `${CORE}.flow.WorkingDirectory`, [`${LEGACY}.flows.WorkingDirectory`], {
    tasks: 'tasks!',
    cache: refused('working directory caches are not implemented'),
    inputFiles: 'any',
    namespaceFiles: refused('namespace files are not implemented'),
    outputFiles: 'stringOrList',
  }),
];

const BY_NAME = indexByName(TASK_TYPES);

/** Finds a task type by its canonical name or a legacy alias; `definition.name` is the canonical name. */
export function resolveTaskType(type: string): TaskTypeDefinition | undefined {
  return BY_NAME.get(type);
}
