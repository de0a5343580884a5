import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Readable } from 'node:stream';
import { type LogLevel, type RenderOptions, renderTemplate, renderValue, type Task, type TaskRun, type TaskRunMetric } from '@osprey/flow-model';
import { MetricCollector, repositoryNamespaceKv, ScopedStorage, type ExecutionFileStore, type NamespaceFileSource, type NamespaceFileStore, type NamespaceKv, type RunContext, type TaskLogger, type TaskRepository, type TriggerSwitch } from '@osprey/plugins';
import type { Repository } from '@osprey/repository';
import { STORAGE_SCHEME, StorageNotFoundError, type Storage } from '@osprey/storage';
import { NamespaceFiles } from '../namespaces/namespace-files.js';
import { ExecutionFiles } from '../executions/execution-files.js';
import type { TriggerCommands } from '../triggers/trigger-commands.js';

export interface WorkerRunContextInit {
  task: Task;
  taskRun: TaskRun;
  attempt: number;
  executionId: string;
  namespace: string;
  flowId: string;
  variables: Record<string, unknown>;
  render: RenderOptions;
  log: (level: LogLevel, message: string) => void;
  storage: Storage;
  repository: Repository;
  signal: AbortSignal;
  /** The API's trigger commands, for trigger.Toggle. */
  triggers: TriggerCommands;
  /** A WorkingDirectory shares one folder between its children. */
  sharedDirectory?: string;
}

const MAX_READ_ROUNDS = 20;
const MAX_READ_BYTES = 10 * 1024 * 1024;

/** The run context a worker gives each task attempt. */
export class WorkerRunContext implements RunContext {
  readonly task: Task;
  readonly taskRun: TaskRun;
  readonly attempt: number;
  readonly executionId: string;
  readonly namespace: string;
  readonly flowId: string;
  readonly variables: Record<string, unknown>;
  readonly logger: TaskLogger;
  readonly storage: ScopedStorage;
  readonly signal: AbortSignal;
  readonly repository: TaskRepository;
  private directory?: string;
  private readonly metricCollector: MetricCollector;
  private readonly files = new Map<string, string>();
  private readonly kvValues = new Map<string, unknown>();
  private readonly stats = new Map<string, { size: number } | null>();
  private readonly namespaceFileStore: NamespaceFiles;
  readonly namespaceFiles: NamespaceFileSource;
  readonly executionFiles: ExecutionFileStore;
  readonly triggers: TriggerSwitch;

  constructor(private readonly init: WorkerRunContextInit) {
    this.task = init.task;
    this.taskRun = init.taskRun;
    this.attempt = init.attempt;
    this.executionId = init.executionId;
    this.namespace = init.namespace;
    this.flowId = init.flowId;
    this.variables = init.variables;
    this.signal = init.signal;
    this.repository = init.repository;
    this.directory = init.sharedDirectory;
    const log = init.log;
    this.logger = {
      log,
      trace: (m) => log('TRACE', m),
      debug: (m) => log('DEBUG', m),
      info: (m) => log('INFO', m),
      warn: (m) => log('WARN', m),
      error: (m) => log('ERROR', m),
    };
    this.metricCollector = new MetricCollector(this.logger);
    this.storage = new ScopedStorage(init.storage, this.namespace, this.flowId, this.executionId, this.taskRun);
    const files = new NamespaceFiles(init.storage);
    this.namespaceFileStore = files;
    this.namespaceFiles = { list: () => files.listAll(this.namespace), get: (path) => files.get(this.namespace, path) };
    this.executionFiles = new ExecutionFiles(init.storage);
    this.triggers = { setEnabled: async (key, enabled) => void (await init.triggers.setDisabled(key, !enabled)) };
  }

  async render<T = unknown>(value: T, extraVariables?: Record<string, unknown>): Promise<T> {
    return this.withFiles((options) => renderValue(value, this.merged(extraVariables), options));
  }

  async renderString(template: string, extraVariables?: Record<string, unknown>): Promise<string> {
    return this.withFiles((options) => renderTemplate(template, this.merged(extraVariables), options));
  }

  /**
   * Rendering is synchronous but `read()` needs storage, which is not: a render that asks for a file
   * not fetched yet stops, the file is fetched, and the render runs again.
   */
  private async withFiles<T>(render: (options: RenderOptions) => T): Promise<T> {
    for (let round = 0; ; round++) {
      let fetch: (() => Promise<void>) | undefined;
      const options: RenderOptions = {
        ...this.init.render,
        read: (path) => {
          const text = this.files.get(path);
          if (text !== undefined) return text;
          fetch = async () => void this.files.set(path, await this.readText(path));
          throw new Error(`file ${path} is being fetched`);
        },
        stat: (path) => {
          if (this.stats.has(path)) return this.stats.get(path)!;
          fetch = async () => void this.stats.set(path, await this.statFile(path));
          throw new Error(`file ${path} is being looked up`);
        },
        // kv('key', namespace?): the namespace's key-value store; a missing key renders as null.
        kv: (key, namespace) => {
          const ns = namespace ?? this.namespace;
          const id = `${ns}\u0000${key}`;
          if (this.kvValues.has(id)) return this.kvValues.get(id);
          fetch = async () => void this.kvValues.set(id, (await this.init.repository.kv.get(ns, key))?.value ?? null);
          throw new Error(`key ${key} is being fetched`);
        },
      };
      try {
        return render(options);
      } catch (error) {
        if (!fetch || round >= MAX_READ_ROUNDS) throw error;
        await fetch();
      }
    }
  }

  /** `kestra:///` URIs are files of the execution's namespace; any other path is a file of the flow's namespace. */
  private async readText(path: string): Promise<string> {
    const chunks: Buffer[] = [];
    let size = 0;
    const stream = path.startsWith(STORAGE_SCHEME) ? await this.storage.get(path) : await this.namespaceFile(path);
    for await (const chunk of stream) {
      size += (chunk as Buffer).length;
      if (size > MAX_READ_BYTES) throw new Error(`read(${path}): file larger than ${MAX_READ_BYTES} bytes; pass its URI to a task instead`);
      chunks.push(chunk as Buffer);
    }
    return Buffer.concat(chunks).toString('utf8');
  }

  private async namespaceFile(path: string): Promise<Readable> {
    try {
      return await this.namespaceFileStore.get(this.namespace, path);
    } catch (error) {
      if (error instanceof StorageNotFoundError) throw new Error(`read('${path}'): namespace ${this.namespace} has no file ${path}`);
      throw error;
    }
  }

  private async statFile(path: string): Promise<{ size: number } | null> {
    if (path.startsWith(STORAGE_SCHEME)) return this.init.storage.stat(this.storage.confined(path));
    try {
      const info = await this.namespaceFileStore.stats(this.namespace, path);
      return info.type === 'File' ? { size: info.size } : null;
    } catch (error) {
      if (error instanceof StorageNotFoundError) return null;
      throw error;
    }
  }

  metric(metric: TaskRunMetric): void {
    this.metricCollector.add(metric);
  }

  /** The valid metrics this attempt recorded, for its task result. */
  get metrics(): readonly TaskRunMetric[] {
    return this.metricCollector.metrics;
  }

  namespaceFilesOf(namespace: string): NamespaceFileStore {
    const files = this.namespaceFileStore;
    return {
      list: () => files.listAll(namespace),
      get: (path) => files.get(namespace, path),
      exists: async (path) => {
        try {
          return (await files.stats(namespace, path)).type === 'File';
        } catch (error) {
          if (error instanceof StorageNotFoundError) return false;
          throw error;
        }
      },
      put: async (path, content) => void (await files.put(namespace, path, content)),
      delete: (path) => files.delete(namespace, path),
    };
  }

  kv(namespace?: string): NamespaceKv {
    return repositoryNamespaceKv(this.init.repository.kv, namespace ?? this.namespace);
  }

  async workingDirectory(): Promise<string> {
    this.directory ??= await mkdtemp(join(tmpdir(), 'osprey-task-'));
    return this.directory;
  }

  /** Removes the task's folder unless a WorkingDirectory owns it. */
  async cleanup(): Promise<void> {
    if (this.directory && !this.init.sharedDirectory) await rm(this.directory, { recursive: true, force: true });
  }

  private merged(extra?: Record<string, unknown>): Record<string, unknown> {
    return extra ? { ...this.variables, ...extra } : this.variables;
  }
}
