import type { Readable } from 'node:stream';

/**
 * What a plugin's task sees while it runs on a worker: a stable subset of the worker's own run context. Members are
 * only added in minor versions of the SDK; removing or changing one is a major version (see docs/plugins.md).
 */
export interface PluginRunContext {
  readonly execution: { readonly id: string; readonly namespace: string; readonly flowId: string };
  readonly taskRun: {
    readonly id: string;
    readonly taskId: string;
    /** 1 for the first attempt, 2 for the first retry, ... */
    readonly attempt: number;
    /** The loop value of the enclosing ForEach, if any. */
    readonly value?: string;
  };
  /** Log lines of this task run, stored with the execution's logs. */
  readonly logger: PluginLogger;
  /** The outputs of the tasks that ran before this one, by task id (what `{{ outputs }}` reads). */
  readonly outputs: Readonly<Record<string, unknown>>;
  /** Renders a Pebble template with the task run's variables (inputs, outputs, vars, execution, ...). */
  render(template: string): Promise<string>;
  /** Records a metric on this attempt; a timer's value is in seconds. */
  metric(metric: PluginMetric): void;
  /** The internal storage, confined to this execution's files. */
  readonly storage: PluginStorage;
  /** A temporary folder that lives as long as this task run. */
  workingDirectory(): Promise<string>;
  /** Aborts when the task is killed or times out: long work should stop on it. */
  readonly signal: AbortSignal;
}

export interface PluginLogger {
  trace(message: string): void;
  debug(message: string): void;
  info(message: string): void;
  warn(message: string): void;
  error(message: string): void;
}

export interface PluginMetric {
  name: string;
  type: 'counter' | 'timer';
  value: number;
  tags?: Record<string, string>;
}

export interface PluginStorage {
  /** Stores a file of this task run and returns its `kestra://` URI (an output other tasks can read). */
  putFile(name: string, content: Readable | Buffer | string): Promise<string>;
  /** Opens a file by URI; URIs outside the execution's namespace prefix are refused. */
  get(uri: string): Promise<Readable>;
  size(uri: string): Promise<number>;
  delete(uri: string): Promise<boolean>;
}
