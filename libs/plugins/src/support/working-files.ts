import { createReadStream, createWriteStream } from 'node:fs';
import { mkdir, realpath, stat, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { pipeline } from 'node:stream/promises';
import { glob } from 'tinyglobby';
import type { RunContext } from '../task-runner.js';
import { TaskPropertyError } from './task-errors.js';

const INTERNAL_STORAGE_PREFIX = 'kestra://';

/** Resolves a relative path inside `directory`, refusing absolute paths and any `..` that leaves it. */
export function resolveInside(directory: string, relative: string, property: string): string {
  if (relative.trim() === '' || path.isAbsolute(relative) || relative.split(/[\\/]/).includes('..')) {
    throw new TaskPropertyError(property, `'${relative}' must be a relative path inside the working directory`);
  }
  const resolved = path.resolve(directory, relative);
  if (!isInside(directory, resolved)) {
    throw new TaskPropertyError(property, `'${relative}' must be a relative path inside the working directory`);
  }
  return resolved;
}

/**
 * Writes `files` (relative path -> content) into `directory`, creating sub-folders. A content that is a
 * `kestra://` URI is copied from internal storage, streamed.
 */
export async function writeInputFiles(
  ctx: RunContext,
  directory: string,
  files: Record<string, string>,
  property: string,
): Promise<void> {
  for (const [relative, content] of Object.entries(files)) {
    const target = resolveInside(directory, relative, property);
    await mkdir(path.dirname(target), { recursive: true });
    if (content.trim().startsWith(INTERNAL_STORAGE_PREFIX)) {
      await pipeline(await ctx.storage.get(content.trim()), createWriteStream(target), { signal: ctx.signal });
    } else {
      await writeFile(target, content);
    }
  }
}

/**
 * Uploads the files of `directory` matching the glob `patterns` to internal storage.
 * Returns relative path -> `kestra://` URI. Symbolic links leading out of `directory` are refused.
 */
export async function uploadOutputFiles(
  ctx: RunContext,
  directory: string,
  patterns: string[],
  property: string,
): Promise<Record<string, string>> {
  if (patterns.length === 0) return {};
  for (const pattern of patterns) {
    if (path.isAbsolute(pattern) || pattern.split(/[\\/]/).includes('..')) {
      throw new TaskPropertyError(property, `'${pattern}' must be a glob relative to the working directory`);
    }
  }
  const matches = await glob(patterns, { cwd: directory, onlyFiles: true, dot: true, expandDirectories: false });
  return uploadFiles(ctx, directory, matches.sort(), property);
}

/** Uploads every file under `directory` (Kestra's `{{ outputDir }}`), keyed by its path relative to it. */
export async function uploadDirectory(ctx: RunContext, directory: string): Promise<Record<string, string>> {
  const matches = await glob('**', { cwd: directory, onlyFiles: true, dot: true });
  return uploadFiles(ctx, directory, matches.sort(), 'outputDir');
}

async function uploadFiles(
  ctx: RunContext,
  directory: string,
  relatives: string[],
  property: string,
): Promise<Record<string, string>> {
  const root = await realpath(directory);
  const uris: Record<string, string> = {};
  for (const relative of relatives) {
    const absolute = path.resolve(directory, relative);
    const real = await realpath(absolute);
    if (!isInside(root, real) || !(await stat(real)).isFile()) {
      throw new TaskPropertyError(property, `'${relative}' leads outside the working directory`);
    }
    const key = relative.split(path.sep).join('/');
    uris[key] = await ctx.storage.putFile(key, createReadStream(real));
  }
  return uris;
}

function isInside(directory: string, candidate: string): boolean {
  const relative = path.relative(directory, candidate);
  return relative !== '' && !relative.startsWith('..') && !path.isAbsolute(relative);
}
