import { createWriteStream } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import { pipeline } from 'node:stream/promises';
import type { RunContext } from '../task-runner.js';
import { pathFilter } from './glob-match.js';
import { TaskPropertyError } from './task-errors.js';
import { resolveInside } from './working-files.js';

function globs(value: unknown, property: string): string[] | undefined {
  if (value === undefined || value === null) return undefined;
  if (typeof value === 'string') return [value];
  if (Array.isArray(value) && value.every((v) => typeof v === 'string')) return value as string[];
  throw new TaskPropertyError(property, 'must be a glob or a list of globs');
}

/**
 * `namespaceFiles: {enabled, include, exclude}`: copies the flow's namespace files that pass the globs into `directory`
 * before the commands run (enabled defaults to true once the property is there, as in Kestra). Returns the paths copied.
 */
export async function copyNamespaceFiles(ctx: RunContext, directory: string, setting: Record<string, unknown> | undefined, property: string): Promise<string[]> {
  if (!setting) return [];
  const enabled = setting['enabled'];
  if (enabled === false || enabled === 'false') return [];
  if (enabled !== undefined && enabled !== true && enabled !== 'true') throw new TaskPropertyError(`${property}.enabled`, 'must be true or false');
  let keep: (path: string) => boolean;
  try {
    keep = pathFilter(globs(setting['include'], `${property}.include`), globs(setting['exclude'], `${property}.exclude`));
  } catch (error) {
    if (error instanceof SyntaxError) throw new TaskPropertyError(property, error.message);
    throw error;
  }
  const copied: string[] = [];
  for (const file of await ctx.namespaceFiles.list()) {
    if (!keep(file)) continue;
    const target = resolveInside(directory, file, property);
    await mkdir(path.dirname(target), { recursive: true });
    await pipeline(await ctx.namespaceFiles.get(file), createWriteStream(target), { signal: ctx.signal });
    copied.push(file);
  }
  return copied;
}
