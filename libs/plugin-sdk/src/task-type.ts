import type { prop } from '@osprey/flow-model';
import type { z } from 'zod';
import type { PluginRunContext } from './run-context.js';

/** The SDK's interface version: Osprey refuses a plugin built for a version it does not know, naming both. */
export const PLUGIN_SDK_VERSION = 1;

/** Marks what defineTaskType and definePlugin return, whichever copy of the SDK made it. */
export const PLUGIN_TASK_TYPE = Symbol.for('@osprey/plugin-sdk/task-type');
export const OSPREY_PLUGIN = Symbol.for('@osprey/plugin-sdk/plugin');

type Kind<F extends (...args: never[]) => z.ZodType> = ReturnType<F>;

/** The value a property holds once rendered: expressions evaluated, numbers and booleans read as such. */
export type RenderedValue<T> =
  T extends z.ZodOptional<infer I> ? RenderedValue<I> | undefined
  : T extends z.ZodDefault<infer I> ? RenderedValue<I>
  : T extends Kind<typeof prop.boolean> ? boolean
  : T extends Kind<typeof prop.integer> | Kind<typeof prop.number> ? number
  : T extends Kind<typeof prop.string> | Kind<typeof prop.duration> ? string
  : T extends z.core.$ZodType ? Exclude<z.output<T>, `{{${string}` | `{%${string}`>
  : never;

/** The properties a task's run function receives, rendered. */
export type RenderedProperties<S extends z.ZodRawShape> = { [K in keyof S]: RenderedValue<S[K]> };

/** A task type as a plugin declares it. */
export interface TaskTypeDeclaration<S extends z.ZodRawShape, O extends z.ZodType<Record<string, unknown>>> {
  /** The type name flows write in `type:`, e.g. `com.example.hello.Hello`: dotted, unique among every loaded type. */
  type: string;
  /** Older names of the same type. */
  aliases?: string[];
  /** One line shown by `osprey plugins list` and the plugins API. */
  description?: string;
  deprecated?: boolean;
  /**
   * The task's own properties (besides `id`, `type`, `retry`, `timeout`, ... which every task has), each declared with
   * `prop.*()`: validation refuses any other property by name, with its line and column.
   */
  properties: z.ZodObject<S>;
  /** What `run` returns: the task's outputs (`{{ outputs.<task id>.<name> }}`), checked when it returns. */
  outputs: O;
  /** Runs one attempt. A thrown error fails it, its message logged at ERROR; `PluginTaskFailure` logs no stack. */
  run(properties: RenderedProperties<S>, context: PluginRunContext): Promise<z.input<O>>;
}

export interface PluginTaskType<S extends z.ZodRawShape = z.ZodRawShape, O extends z.ZodType<Record<string, unknown>> = z.ZodType<Record<string, unknown>>>
  extends TaskTypeDeclaration<S, O> {
  readonly [PLUGIN_TASK_TYPE]: number;
}

/** What a plugin package exports as its default export. */
export interface OspreyPlugin {
  readonly [OSPREY_PLUGIN]: number;
  // Each task keeps its own schema types; the host reads them through the declaration's shape.
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  readonly tasks: readonly PluginTaskType<any, any>[];
}

const TYPE_NAME = /^[A-Za-z_$][\w$]*(\.[A-Za-z_$][\w$]*)+$/;

/** Declares a task type; `run` receives the properties rendered and typed after their `prop.*()` kinds. */
export function defineTaskType<S extends z.ZodRawShape, O extends z.ZodType<Record<string, unknown>>>(declaration: TaskTypeDeclaration<S, O>): PluginTaskType<S, O> {
  for (const name of [declaration.type, ...(declaration.aliases ?? [])]) {
    if (typeof name !== 'string' || !TYPE_NAME.test(name)) throw new TypeError(`task type name ${JSON.stringify(name)} must be a dotted name such as com.example.hello.Hello`);
  }
  if (typeof declaration.run !== 'function') throw new TypeError(`task type ${declaration.type}: run must be a function`);
  return { ...declaration, [PLUGIN_TASK_TYPE]: PLUGIN_SDK_VERSION };
}

/** The plugin a package exports by default: its task types. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export function definePlugin(plugin: { tasks: readonly PluginTaskType<any, any>[] }): OspreyPlugin {
  if (!Array.isArray(plugin.tasks) || plugin.tasks.length === 0) throw new TypeError('a plugin declares at least one task type in tasks');
  return { tasks: [...plugin.tasks], [OSPREY_PLUGIN]: PLUGIN_SDK_VERSION };
}

/** An expected failure of a plugin's task: its message is logged alone, without a stack. */
export class PluginTaskFailure extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'TaskFailure';
  }
}
