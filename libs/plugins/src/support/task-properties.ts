import type { RunContext } from '../task-runner.js';
import { LOG_LEVELS, type LogLevel, parseDuration, type PluginDefinition } from '@osprey/flow-model';
import type { z } from 'zod';
import { TaskPropertyError } from './task-errors.js';

/** What reading properties needs of a run: the plugin's own map and the renderer (a task run, or a polling trigger). */
export type PropertyContext = Pick<RunContext, 'task' | 'render' | 'renderString'>;

/** What a property renders to: `T`, or `T | undefined` when the property is optional. */
type Rendered<P, K extends keyof P, T> = undefined extends P[K] ? T | undefined : T;

/** A task type's declared properties, as the flow model gives them (`LOG_TASK`, `KV_SET_TASK`, ...). */
export type TaskSchema<P> = Pick<PluginDefinition, 'refused'> & { schema: z.ZodType<P> };

/**
 * Reads and renders the properties of `ctx.task` the way Kestra's `Property<T>` does: a value may be written
 * literally or as an expression whose rendered text is converted to the type. The task is first parsed with its
 * type's zod schema, so a property is named and typed as declared (`P`), and a flow that was stored before a rule
 * existed still fails here, naming the property, rather than running with a value its type does not accept.
 */
export class TaskProperties<P extends object = Record<string, unknown>> {
  private readonly values: P;

  constructor(
    private readonly ctx: PropertyContext,
    type: TaskSchema<P>,
    private readonly extraVariables?: Record<string, unknown>,
  ) {
    const present = Object.fromEntries(Object.entries(ctx.task).filter(([, value]) => value !== null && value !== undefined));
    for (const [name, reason] of Object.entries(type.refused)) {
      if (name in present) throw new TaskPropertyError(name, `is not supported by Osprey: ${reason}`);
    }
    const parsed = type.schema.safeParse(present, { reportInput: true });
    if (!parsed.success) {
      const issue = parsed.error.issues[0]!;
      const name = String(issue.path[0] ?? '');
      throw new TaskPropertyError(name, issue.path.length === 1 && issue.input === undefined ? 'is required' : issue.message);
    }
    this.values = parsed.data;
  }

  raw<K extends keyof P & string>(name: K): P[K] {
    return this.values[name];
  }

  has(name: keyof P & string): boolean {
    return this.raw(name) !== undefined;
  }

  string<K extends keyof P & string>(name: K): Promise<Rendered<P, K, string>>;
  async string(name: keyof P & string): Promise<string | undefined> {
    return this.toText(name, this.raw(name));
  }

  /** Renders one template text with this task's extra variables. */
  async render(template: string): Promise<string> {
    return this.ctx.renderString(template, this.extraVariables);
  }

  async boolean(name: keyof P & string, defaultValue: boolean): Promise<boolean> {
    const raw = this.raw(name);
    if (raw === undefined) return defaultValue;
    if (typeof raw === 'boolean') return raw;
    const text = (await this.toText(name, raw))?.trim().toLowerCase();
    if (text === 'true') return true;
    if (text === 'false') return false;
    throw new TaskPropertyError(name, `expected true or false, got '${text}'`);
  }

  /** An integer written literally or as an expression rendering to one. */
  integer<K extends keyof P & string>(name: K): Promise<Rendered<P, K, number>>;
  async integer(name: keyof P & string): Promise<number | undefined> {
    const text = await this.toText(name, this.raw(name));
    if (text === undefined) return undefined;
    const value = Number(text.trim());
    if (text.trim() === '' || !Number.isSafeInteger(value)) throw new TaskPropertyError(name, `expected an integer but got '${text}'`);
    return value;
  }

  /** An ISO-8601 duration in milliseconds; a bare number counts seconds, as Jackson reads a Duration. */
  duration<K extends keyof P & string>(name: K): Promise<Rendered<P, K, number>>;
  async duration(name: keyof P & string): Promise<number | undefined> {
    const raw = this.raw(name);
    if (raw === undefined) return undefined;
    if (typeof raw === 'number') return raw * 1000;
    const text = (await this.toText(name, raw))!;
    try {
      return parseDuration(text);
    } catch (error) {
      throw new TaskPropertyError(name, (error as Error).message);
    }
  }

  async logLevel(name: keyof P & string, defaultValue: LogLevel = 'INFO'): Promise<LogLevel> {
    const text = (await this.string(name))?.trim().toUpperCase();
    if (text === undefined) return defaultValue;
    const level = LOG_LEVELS.find((known) => known === (text === 'WARNING' ? 'WARN' : text));
    if (level === undefined) throw new TaskPropertyError(name, `unknown log level '${text}'`);
    return level;
  }

  /** One of `values`, written in any case or as an expression rendering to one (Kestra's enums). */
  async enumValue<const V extends string>(name: keyof P & string, values: readonly V[]): Promise<V | undefined> {
    const text = (await this.string(name))?.trim().toUpperCase();
    if (text === undefined) return undefined;
    const value = values.find((candidate) => candidate === text);
    if (value === undefined) throw new TaskPropertyError(name, `must be one of ${values.join(', ')} but got '${text}'`);
    return value;
  }

  /** A list written as a YAML list (each item rendered) or as an expression rendering to a JSON array. */
  list<K extends keyof P & string>(name: K): Promise<Rendered<P, K, unknown[]>>;
  async list(name: keyof P & string): Promise<unknown[] | undefined> {
    const raw = this.raw(name);
    if (raw === undefined) return undefined;
    if (Array.isArray(raw)) return this.ctx.render(raw, this.extraVariables);
    const rendered = typeof raw === 'string' ? await this.ctx.render(raw, this.extraVariables) : raw;
    const value = typeof rendered === 'string' ? parseJson(name, rendered) : rendered;
    if (!Array.isArray(value)) throw new TaskPropertyError(name, 'expected a list');
    return value;
  }

  /**
   * A list of texts that may also be written as one text (Kestra's string-or-list properties such as
   * `commands`): a text rendering to a JSON array is that array, any other text is a one-item list.
   */
  stringList<K extends keyof P & string>(name: K): Promise<Rendered<P, K, string[]>>;
  async stringList(name: keyof P & string): Promise<string[] | undefined> {
    const raw = this.raw(name);
    if (raw === undefined) return undefined;
    if (typeof raw === 'string') {
      const text = await this.render(raw);
      if (text.trimStart().startsWith('[')) {
        try {
          const parsed: unknown = JSON.parse(text);
          if (Array.isArray(parsed)) return parsed.map(toText);
        } catch {
          // Not JSON: a text that merely starts with '[' (a shell test, say) is one item.
        }
      }
      return [text];
    }
    return (await this.list(name))?.map(toText);
  }

  /** Renders a property of any shape; structured values come back as JSON text. */
  text<K extends keyof P & string>(name: K): Promise<Rendered<P, K, string>>;
  async text(name: keyof P & string): Promise<string | undefined> {
    const raw = this.raw(name);
    if (raw === undefined || typeof raw !== 'object') return this.string(name);
    return toText(await this.ctx.render(raw, this.extraVariables));
  }

  /**
   * A map written as a YAML map (keys and values rendered) or as an expression rendering to a JSON object.
   * Keys are rendered here, one by one, so that templated keys (`"{{ inputs.key }}": value`) work.
   */
  map<K extends keyof P & string>(name: K): Promise<Rendered<P, K, Record<string, unknown>>>;
  async map(name: keyof P & string): Promise<Record<string, unknown> | undefined> {
    const raw = this.raw(name);
    if (raw === undefined) return undefined;
    if (isPlainObject(raw)) {
      const result: Record<string, unknown> = {};
      for (const [key, value] of Object.entries(raw)) {
        result[await this.render(key)] = value === null ? null : await this.ctx.render(value, this.extraVariables);
      }
      return result;
    }
    const rendered = typeof raw === 'string' ? await this.ctx.render(raw, this.extraVariables) : raw;
    const value = typeof rendered === 'string' ? parseJson(name, rendered) : rendered;
    if (!isPlainObject(value)) throw new TaskPropertyError(name, 'expected a map');
    return value;
  }

  /** Like {@link map}, without null entries and with every value as text (JSON for structured values). */
  stringMap<K extends keyof P & string>(name: K): Promise<Rendered<P, K, Record<string, string>>>;
  async stringMap(name: keyof P & string): Promise<Record<string, string> | undefined> {
    const map = await this.map(name);
    if (map === undefined) return undefined;
    return Object.fromEntries(
      Object.entries(map)
        .filter(([, value]) => value !== null && value !== undefined)
        .map(([key, value]) => [key, toText(value)]),
    );
  }

  private async toText(name: string, raw: unknown): Promise<string | undefined> {
    if (raw === undefined) return undefined;
    if (typeof raw === 'string') return this.ctx.renderString(raw, this.extraVariables);
    if (typeof raw === 'number' || typeof raw === 'boolean' || typeof raw === 'bigint') return String(raw);
    throw new TaskPropertyError(name, `expected a text, got ${Array.isArray(raw) ? 'a list' : typeof raw}`);
  }
}

export function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value) && !(value instanceof Date);
}

/** Text form of a rendered value: strings as they are, structured values as JSON. */
export function toText(value: unknown): string {
  if (typeof value === 'string') return value;
  if (value === undefined || value === null) return '';
  if (typeof value === 'object') return JSON.stringify(value);
  return String(value);
}

function parseJson(name: string, text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    throw new TaskPropertyError(name, `expected JSON, got '${text.length > 200 ? `${text.slice(0, 200)}...` : text}'`);
  }
}
