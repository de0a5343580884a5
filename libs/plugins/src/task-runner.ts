import type { Label, LogLevel, Task, TaskRun, TaskRunMetric } from '@osprey/flow-model';
import type { KvRepository, Repository } from '@osprey/repository';
import type { Readable } from 'node:stream';

/** What a runnable task sees while it runs on a worker. */
export interface RunContext {
  readonly task: Task;
  readonly taskRun: TaskRun;
  readonly attempt: number;
  readonly executionId: string;
  readonly namespace: string;
  readonly flowId: string;
  /** The variables expressions are rendered with (flow, execution, inputs, outputs, vars, taskrun, ...). */
  readonly variables: Record<string, unknown>;
  /** Renders a property: strings as templates, maps and lists deeply; other values unchanged. */
  render<T = unknown>(value: T, extraVariables?: Record<string, unknown>): Promise<T>;
  /** Renders a template to text. */
  renderString(template: string, extraVariables?: Record<string, unknown>): Promise<string>;
  readonly logger: TaskLogger;
  /** Internal storage confined to this execution's prefix. */
  readonly storage: ExecutionStorage;
  /** Files of any execution, for the tasks that purge them (PurgeExecutions); `storage` stays confined to this one. */
  readonly executionFiles: ExecutionFileStore;
  /** Enables and disables triggers the way the API does, so schedulers honour it at once (trigger.Toggle). */
  readonly triggers: TriggerSwitch;
  /** The files of the flow's namespace (paths relative to the namespace's root, `/`-separated). */
  readonly namespaceFiles: NamespaceFileSource;
  /** The files of the namespace named, read and written: this namespace only, never its parents or children. */
  namespaceFilesOf(namespace: string): NamespaceFileStore;
  /** The namespace's key-value store. */
  kv(namespace?: string): NamespaceKv;
  /** The repository's flows, executions, logs and KV store, for the tasks that report on them or purge them (log.Fetch, PurgeKV, ...). */
  readonly repository: TaskRepository;
  /** A temporary folder that lives as long as this task run (or its WorkingDirectory). */
  workingDirectory(): Promise<string>;
  /** Aborts when the task is killed or times out. */
  readonly signal: AbortSignal;
  /**
   * Records a metric on this attempt (`taskRun.attempts[].metrics`); a timer's value is in seconds. An entry
   * with an empty name, another type than counter or timer, or a value that is not a finite number is ignored
   * with a WARN log.
   */
  metric(metric: TaskRunMetric): void;
}

export interface TaskLogger {
  log(level: LogLevel, message: string): void;
  trace(message: string): void;
  debug(message: string): void;
  info(message: string): void;
  warn(message: string): void;
  error(message: string): void;
}

export interface ExecutionStorage {
  /** Stores a file of this task run and returns its `kestra://` URI. */
  putFile(name: string, content: Readable | Buffer | string): Promise<string>;
  /** Opens a file by URI; URIs outside the execution's namespace prefix are refused. */
  get(uri: string): Promise<Readable>;
  size(uri: string): Promise<number>;
  delete(uri: string): Promise<boolean>;
  /** Deletes every file of this execution (inputs, task outputs) and returns their URIs. */
  deleteExecutionFiles(): Promise<string[]>;
}

export interface ExecutionFileStore {
  /** Deletes every file of an execution (inputs, task outputs) and returns how many. */
  deleteAll(execution: { namespace: string; flowId: string; id: string }): Promise<number>;
}

export interface TriggerSwitch {
  /** Enables or disables a trigger of a stored flow; fails when the flow or the trigger does not exist. */
  setEnabled(key: { namespace: string; flowId: string; triggerId: string }, enabled: boolean): Promise<void>;
}

export interface NamespaceFileSource {
  /** Every file of the namespace, at any depth. */
  list(): Promise<string[]>;
  get(path: string): Promise<Readable>;
}

/** One namespace's files, paths relative to its root (`/` or no leading slash). */
export interface NamespaceFileStore extends NamespaceFileSource {
  exists(path: string): Promise<boolean>;
  put(path: string, content: Readable): Promise<void>;
  /** Deletes one file; false when there was none. */
  delete(path: string): Promise<boolean>;
}

export interface NamespaceKv {
  set(key: string, value: unknown, ttlMs?: number, overwrite?: boolean): Promise<void>;
  get(key: string): Promise<unknown | undefined>;
  delete(key: string): Promise<boolean>;
  /** The namespace's live (not expired) keys, in key order. */
  list(): Promise<NamespaceKvEntry[]>;
}

export interface NamespaceKvEntry {
  key: string;
  /** ISO instant the key expires at, when it has a TTL. */
  expirationDate?: string;
  /** ISO instant of the last write. */
  updateDate: string;
}

export interface TaskRunnerResult {
  /** Defaults to SUCCESS. */
  state?: 'SUCCESS' | 'WARNING' | 'FAILED';
  outputs?: Record<string, unknown>;
  /** Labels to set on the execution. */
  labels?: Label[];
}

/** A runnable task type. Thrown errors fail the attempt, with their message logged at ERROR. */
export interface TaskRunner {
  run(ctx: RunContext): Promise<TaskRunnerResult>;
}

/** Raised by tasks for an expected failure: logged as its message alone, without a stack. */
export class TaskFailure extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'TaskFailure';
  }
}

export type KvRepositoryPort = KvRepository;

/** What of the repository port a task may use (the purge tasks delete through it too). */
export type TaskRepository = Pick<Repository, 'flows' | 'executions' | 'logs' | 'kv'>;
