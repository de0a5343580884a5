import { createWriteStream } from 'node:fs';
import path from 'node:path';
import { randomUUID } from 'node:crypto';
import { pipeline } from 'node:stream/promises';
import type { RunContext } from '../task-runner.js';

// Kestra's ScriptService pattern for internal storage URIs inside a command.
const INTERNAL_STORAGE_URI = /kestra:\/\/[-\p{L}\p{N}._+~#=/]*/gu;

/**
 * Replaces every `kestra://` URI in `commands` by the path of a local copy in `directory`, as
 * Kestra's script tasks do, so that `cat {{ outputs.t.uri }}` reads the file.
 */
export async function replaceInternalStorageUris(
  ctx: RunContext,
  directory: string,
  commands: string[],
): Promise<string[]> {
  const copies = new Map<string, string>();
  for (const command of commands) {
    for (const [uri] of command.matchAll(INTERNAL_STORAGE_URI)) {
      if (copies.has(uri)) continue;
      const local = path.join(directory, `${randomUUID()}${path.posix.extname(uri)}`);
      await pipeline(await ctx.storage.get(uri), createWriteStream(local), { signal: ctx.signal });
      copies.set(uri, local);
    }
  }
  if (copies.size === 0) return commands;
  return commands.map((command) => command.replace(INTERNAL_STORAGE_URI, (uri) => copies.get(uri) ?? uri));
}
