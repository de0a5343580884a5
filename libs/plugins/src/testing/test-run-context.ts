import { createReadStream } from 'node:fs';
import { mkdir, mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { renderTemplate, renderValue, type Execution, type LogLevel, type Task, type TaskRun, type TaskRunMetric } from '@osprey/flow-model';
import type { KvRepository } from '@osprey/repository';
import type { TaskRepository } from '../task-runner.js';
import { executionStoragePrefix, openLocalStorage } from '@osprey/storage';
import type { ExecutionFileStore, ExecutionStorage, NamespaceFileSource, NamespaceFileStore, NamespaceKv, RunContext, TaskLogger, TriggerSwitch } from '../task-runner.js';
import { MetricCollector } from '../support/metric-collector.js';
import { ScopedStorage } from '../support/scoped-storage.js';
import { repositoryNamespaceKv } from '../support/repository-namespace-kv.js';

export interface TestLogEntry {
  level: LogLevel;
  message: string;
}

export interface TestRunContextOptions {
  task: Task;
  variables?: Record<string, unknown>;
  namespace?: string;
  flowId?: string;
  executionId?: string;
  taskRunId?: string;
  attempt?: number;
  /** The loop value of the task run (`taskrun.value`). */
  taskRunValue?: string;
  /** Shares a key-value store between contexts (the namespace is part of each key). */
  kvStore?: Map<string, TestKvEntry>;
  /** Shares internal storage between contexts: a folder the caller creates and removes. */
  storageRoot?: string;
  /**
   * Without `repository`: what `repository.executions.get` answers, by id (a function gives a new answer on each call,
   * an execution that ends later); an unknown id is null.
   */
  executions?: Record<string, Execution | (() => Execution | null)>;
  /** A real key-value repository (e.g. SQLite) instead of the in-memory `kvStore`. */
  kv?: KvRepository;
  /** The repository tasks read flows, executions and logs from; without it, only `executions.get` answers (`executions`). */
  repository?: TaskRepository;
  /** Any namespace's files (the worker's store); without it, `namespaceFilesOf` fails the test. */
  namespaceFilesOf?: (namespace: string) => NamespaceFileStore;
  /** What enables and disables triggers (services give the API's); without it, a Toggle fails the test. */
  triggers?: TriggerSwitch;
  /** `pebble` renders with the flow model's expression engine instead of the trivial path substitution. */
  expressions?: 'paths' | 'pebble';
}

export interface TestKvEntry {
  value: unknown;
  expiresAt?: number;
}

/** A {@link RunContext} for unit tests, with what it collected. */
export interface TestRunContext extends RunContext {
  readonly logs: TestLogEntry[];
  /** The valid metrics the task recorded, in order. */
  readonly metrics: readonly TaskRunMetric[];
  /** Keys are `<namespace>/<key>`. */
  readonly kvStore: Map<string, TestKvEntry>;
  /** The folder holding internal storage (`kestra:///...` maps to `<storageRoot>/...`) and working directories. */
  readonly storageRoot: string;
  /** Messages logged at `level`. */
  messages(level?: LogLevel): string[];
  abort(reason?: unknown): void;
  /** Removes the temporary folders. */
  dispose(): Promise<void>;
}

/** Thrown by the test double's trivial renderer for a variable it cannot resolve. */
export class TestRenderError extends Error {
  constructor(readonly expression: string) {
    super(`Missing variable: '${expression}' may not exist`);
    this.name = 'TestRenderError';
  }
}

/**
 * An in-memory RunContext for unit tests of task logic. Rendering is a trivial `{{ a.b.c }}` path
 * substitution (no filters, no operators) — enough to show that a task renders a property; the real
 * expression engine lives in @osprey/flow-model. Storage is the local storage adapter on a temporary folder, KV a Map (or a
 * real repository), logs a list.
 */
export async function createTestRunContext(options: TestRunContextOptions): Promise<TestRunContext> {
  const namespace = options.namespace ?? 'io.osprey.tests';
  const flowId = options.flowId ?? 'test-flow';
  const executionId = options.executionId ?? 'test-execution';
  const taskRunId = options.taskRunId ?? 'test-taskrun';
  const task = options.task;
  const root = await mkdtemp(path.join(tmpdir(), 'osprey-plugins-test-'));
  const storageRoot = options.storageRoot ?? path.join(root, 'storage');
  await mkdir(storageRoot, { recursive: true });
  const variables: Record<string, unknown> = {
    flow: { id: flowId, namespace },
    execution: { id: executionId },
    task: { id: task.id, type: task.type },
    taskrun: { id: taskRunId, attemptsCount: options.attempt ?? 0, ...(options.taskRunValue === undefined ? {} : { value: options.taskRunValue }) },
    ...options.variables,
  };
  const logs: TestLogEntry[] = [];
  const kvStore = options.kvStore ?? new Map<string, TestKvEntry>();
  const controller = new AbortController();
  let workingDirectory: string | undefined;

  const pebble = options.expressions === 'pebble';
  const renderString = async (template: string, extra?: Record<string, unknown>): Promise<string> =>
    pebble ? renderTemplate(template, { ...variables, ...extra }) : template.replace(/\{\{\s*([^}]*?)\s*\}\}/g, (_, expression: string) => {
      const value = lookup({ ...variables, ...extra }, expression);
      return typeof value === 'string' ? value : JSON.stringify(value);
    });
  const render = async <T>(value: T, extra?: Record<string, unknown>): Promise<T> => {
    if (pebble) return renderValue(value, { ...variables, ...extra });
    if (typeof value === 'string') return (await renderString(value, extra)) as T;
    if (Array.isArray(value)) return (await Promise.all(value.map((item) => render(item, extra)))) as T;
    if (value !== null && typeof value === 'object') {
      const entries = await Promise.all(Object.entries(value).map(async ([k, v]) => [k, await render(v, extra)] as const));
      return Object.fromEntries(entries) as T;
    }
    return value;
  };

  const log = (level: LogLevel, message: string) => void logs.push({ level, message });
  const logger: TaskLogger = {
    log,
    trace: (message) => log('TRACE', message),
    debug: (message) => log('DEBUG', message),
    info: (message) => log('INFO', message),
    warn: (message) => log('WARN', message),
    error: (message) => log('ERROR', message),
  };

  const metrics = new MetricCollector(logger);

  // The real local storage adapter, scoped as the worker scopes it.
  const localStorage = openLocalStorage(storageRoot);
  const storage: ExecutionStorage = new ScopedStorage(localStorage, namespace, flowId, executionId, { id: taskRunId, taskId: task.id });
  const executionFiles: ExecutionFileStore = { deleteAll: (execution) => localStorage.deletePrefix(executionStoragePrefix(execution)) };

  // Namespace files where the local storage keeps them: <storageRoot>/<namespace as folders>/_files/.
  const namespaceFilesRoot = path.join(storageRoot, ...namespace.split('.'), '_files');
  const namespaceFiles: NamespaceFileSource = {
    async list() {
      const entries = await readdir(namespaceFilesRoot, { recursive: true, withFileTypes: true }).catch(() => []);
      return entries.filter((e) => e.isFile()).map((e) => path.relative(namespaceFilesRoot, path.join(e.parentPath, e.name)).split(path.sep).join('/')).sort();
    },
    async get(file) {
      return createReadStream(path.join(namespaceFilesRoot, ...file.split('/')));
    },
  };

  const kv = (kvNamespace?: string): NamespaceKv => {
    if (options.kv) return repositoryNamespaceKv(options.kv, kvNamespace ?? namespace);
    const keyOf = (key: string) => `${kvNamespace ?? namespace}/${key}`;
    const live = (key: string) => {
      const entry = kvStore.get(keyOf(key));
      if (entry?.expiresAt !== undefined && entry.expiresAt <= Date.now()) {
        kvStore.delete(keyOf(key));
        return undefined;
      }
      return entry;
    };
    return {
      async set(key, value, ttlMs, overwrite = true) {
        if (!overwrite && live(key)) throw new Error(`key ${key} already exists`);
        kvStore.set(keyOf(key), { value, expiresAt: ttlMs === undefined ? undefined : Date.now() + ttlMs });
      },
      async get(key) {
        return live(key)?.value;
      },
      async delete(key) {
        const existed = live(key) !== undefined;
        kvStore.delete(keyOf(key));
        return existed;
      },
      async list() {
        const prefix = keyOf('');
        const keys = [...kvStore.keys()].filter((id) => id.startsWith(prefix)).map((id) => id.slice(prefix.length));
        return keys
          .filter((key) => live(key) !== undefined)
          .sort()
          .map((key) => ({ key, updateDate: new Date().toISOString() }));
      },
    };
  };

  const now = new Date().toISOString();
  const taskRun: TaskRun = {
    id: taskRunId,
    executionId,
    namespace,
    flowId,
    taskId: task.id,
    ...(options.taskRunValue === undefined ? {} : { value: options.taskRunValue }),
    attempts: [],
    state: { current: 'RUNNING', histories: [], startDate: now },
  };

  return {
    task,
    taskRun,
    attempt: options.attempt ?? 0,
    executionId,
    namespace,
    flowId,
    variables,
    render,
    renderString,
    logger,
    storage,
    executionFiles,
    triggers: options.triggers ?? {
      setEnabled: () => Promise.reject(new Error('this test context has no trigger switch: pass `triggers` in the options')),
    },
    namespaceFiles,
    namespaceFilesOf:
      options.namespaceFilesOf ??
      (() => {
        throw new Error('this test context has no namespace file store: pass namespaceFilesOf in the options');
      }),
    kv,
    repository: options.repository ?? executionsOnlyRepository(options.executions ?? {}),
    async workingDirectory() {
      workingDirectory ??= await mkdtemp(path.join(root, 'work-'));
      return workingDirectory;
    },
    signal: controller.signal,
    metric: (metric) => metrics.add(metric),
    get metrics() {
      return metrics.metrics;
    },
    logs,
    kvStore,
    storageRoot,
    messages: (level) => logs.filter((entry) => level === undefined || entry.level === level).map((entry) => entry.message),
    abort: (reason) => controller.abort(reason),
    dispose: () => rm(root, { recursive: true, force: true }),
  };
}

function lookup(variables: Record<string, unknown>, expression: string): unknown {
  let current: unknown = variables;
  for (const part of expression.split('.')) {
    if (current === null || typeof current !== 'object' || !(part in current)) throw new TestRenderError(expression);
    current = (current as Record<string, unknown>)[part];
  }
  return current;
}

/** A repository that answers `executions.get` from the given executions; anything else fails the test. */
function executionsOnlyRepository(executions: NonNullable<TestRunContextOptions['executions']>): TaskRepository {
  const missing = (name: string | symbol) => {
    throw new Error(`this test context has no repository (${String(name)}): pass one in the options`);
  };
  const get = async (id: string) => {
    const found = executions[id];
    return (typeof found === 'function' ? found() : found) ?? null;
  };
  const executionRepository = new Proxy({ get } as unknown as TaskRepository['executions'], { get: (target, name) => (name === 'get' ? target.get : missing(name)) });
  return new Proxy({} as TaskRepository, { get: (_target, name) => (name === 'executions' ? executionRepository : missing(name)) });
}
