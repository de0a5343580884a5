import type { RunContext } from '../task-runner.js';
import { type LogLevel, parseDuration } from '@osprey/flow-model';
import { TaskPropertyError } from './task-errors.js';

const LOG_LEVELS: readonly LogLevel[] = ['TRACE', 'DEBUG', 'INFO', 'WARN', 'ERROR'];

/**
 * Reads and renders the properties of `ctx.task` the way Kestra's `Property<T>` does:
 * a value may be written literally or as an expression whose rendered text is converted to the type.
 */
export class TaskProperties {
  constructor(
    private readonly ctx: RunContext,
    private readonly extraVariables?: Record<string, unknown>,
  ) {}

  raw(name: string): unknown {
    const value = this.ctx.task[name];
    return value === null ? undefined : value;
  }

  has(name: string): boolean {
    return this.raw(name) !== undefined;
  }

  async string(name: string): Promise<string | undefined> {
    return this.toText(name, this.raw(name));
  }

  async requiredString(name: string): Promise<string> {
    const value = await this.string(name);
    if (value === undefined) throw new TaskPropertyError(name, 'is required');
    return value;
  }

  /** Renders one template text with this task's extra variables. */
  async render(template: string): Promise<string> {
    return this.ctx.renderString(template, this.extraVariables);
  }

  async boolean(name: string, defaultValue: boolean): Promise<boolean> {
    const raw = this.raw(name);
    if (raw === undefined) return defaultValue;
    if (typeof raw === 'boolean') return raw;
    const text = (await this.toText(name, raw))?.trim().toLowerCase();
    if (text === 'true') return true;
    if (text === 'false') return false;
    throw new TaskPropertyError(name, `expected true or false, got '${text}'`);
  }

  /** An ISO-8601 duration in milliseconds; a bare number counts seconds, as Jackson reads a Duration. */
  async duration(name: string): Promise<number | undefined> {
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

  async logLevel(name: string, defaultValue: LogLevel = 'INFO'): Promise<LogLevel> {
    const text = (await this.string(name))?.trim().toUpperCase();
    if (text === undefined) return defaultValue;
    const level = (text === 'WARNING' ? 'WARN' : text) as LogLevel;
    if (!LOG_LEVELS.includes(level)) throw new TaskPropertyError(name, `unknown log level '${text}'`);
    return level;
  }

  /** A list written as a YAML list (each item rendered) or as an expression rendering to a JSON array. */
  async list(name: string): Promise<unknown[] | undefined> {
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
  async stringList(name: string): Promise<string[] | undefined> {
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
  async text(name: string): Promise<string | undefined> {
    const raw = this.raw(name);
    if (raw === undefined || typeof raw !== 'object') return this.string(name);
    return toText(await this.ctx.render(raw, this.extraVariables));
  }

  /**
   * A map written as a YAML map (keys and values rendered) or as an expression rendering to a JSON object.
   * Keys are rendered here, one by one, so that templated keys (`"{{ inputs.key }}": value`) work.
   */
  async map(name: string): Promise<Record<string, unknown> | undefined> {
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
  async stringMap(name: string): Promise<Record<string, string> | undefined> {
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
