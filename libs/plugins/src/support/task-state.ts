import type { RunContext } from '../task-runner.js';
import { TaskFailure } from '../task-runner.js';
import { isPlainObject, TaskProperties } from './task-properties.js';
import { murmur3Hex128 } from './murmur3.js';
import type { TaskSchema } from './task-properties.js';

/** The properties every state task has (Kestra's AbstractState). */
interface StateProperties {
  name?: unknown;
  namespace?: unknown;
  taskrunValue?: unknown;
}

/** Kestra's `Slugify.of`: the flow id as it prefixes a flow's state keys. */
export function slugOf(text: string): string {
  let slug = text
    .replace(/\s/g, '-')
    .normalize('NFD')
    .replace(/[^\w-]/g, '')
    .replace(/_/g, '-');
  while (slug.includes('--')) slug = slug.replace(/--/g, '-');
  return slug.replace(/^-/, '').replace(/-$/, '').toLowerCase();
}

/**
 * Where a state task keeps its state: a key of the flow's namespace KV store, named as Kestra names it
 * (`<flow slug>_states_tasks-states_<name>[_<hash of taskrun.value>]`, without the flow part when shared by the
 * namespace), holding the state map.
 */
export class TaskState<P extends StateProperties> {
  private constructor(
    private readonly ctx: RunContext,
    readonly properties: TaskProperties<P>,
    readonly name: string,
    readonly key: string,
  ) {}

  static async open<P extends StateProperties>(ctx: RunContext, type: TaskSchema<P>): Promise<TaskState<P>> {
    const properties = new TaskProperties(ctx, type);
    const name = (await properties.string('name' as keyof P & string)) ?? 'default';
    const shared = await properties.boolean('namespace' as keyof P & string, false);
    const perValue = await properties.boolean('taskrunValue' as keyof P & string, true);
    const value = perValue ? ctx.taskRun.value : undefined;
    const key = `${shared ? '' : `${slugOf(ctx.flowId)}_`}states_tasks-states_${name}${value === undefined || value === null ? '' : `_${murmur3Hex128(value)}`}`;
    return new TaskState(ctx, properties, name, key);
  }

  /** The stored state, or undefined when there is none. */
  async get(): Promise<Record<string, unknown> | undefined> {
    const stored = await this.ctx.kv().get(this.key);
    if (stored === undefined || stored === null) return undefined;
    const value = typeof stored === 'string' ? JSON.parse(stored) : stored;
    if (!isPlainObject(value)) throw new TaskFailure(`State '${this.name}' (key ${this.key}) does not hold a map`);
    return value;
  }

  /** Merges `data` into the stored state (as Kestra's MapUtils.merge: maps merged deeply, lists
   * concatenated, a null value keeps the stored one) and returns the result. */
  async merge(data: Record<string, unknown>): Promise<Record<string, unknown>> {
    const merged = deepMerge((await this.get()) ?? {}, data);
    await this.ctx.kv().set(this.key, merged);
    return merged;
  }

  delete(): Promise<boolean> {
    return this.ctx.kv().delete(this.key);
  }
}

function deepMerge(current: Record<string, unknown>, update: Record<string, unknown>): Record<string, unknown> {
  const result: Record<string, unknown> = { ...current };
  for (const [key, value] of Object.entries(update)) {
    const existing = result[key];
    if (value === null || value === undefined) result[key] = existing ?? null;
    else if (isPlainObject(existing) && isPlainObject(value)) result[key] = deepMerge(existing, value);
    else if (Array.isArray(existing) && Array.isArray(value)) result[key] = [...existing, ...value];
    else result[key] = value;
  }
  return result;
}
