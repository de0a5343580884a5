import { createInterface } from 'node:readline';
import type { Readable } from 'node:stream';
import { load } from 'ion-js';
import { TaskFailure } from '../task-runner.js';

/**
 * The lines of a stored file, without their ends (`\n`, `\r\n` or a lone `\r`, as Java's `readLine`); a last line
 * without an end is a line, an empty file has none. Streamed: one line in memory at a time.
 */
export async function* readLines(stream: Readable, encoding: BufferEncoding = 'utf8'): AsyncGenerator<string> {
  stream.setEncoding(encoding);
  const lines = createInterface({ input: stream, crlfDelay: Infinity });
  try {
    for await (const line of lines) yield line;
  } finally {
    lines.close();
    stream.destroy();
  }
}

/**
 * One item of an ION file as Kestra writes them (one value a line; JSON Lines are ION too), as plain values:
 * timestamps become ISO texts, decimals and symbols numbers and texts, as Kestra's mapper turns them into a map.
 */
export function parseItem(line: string, lineNumber: number): Record<string, unknown> {
  let value: unknown;
  try {
    const parsed = load(line);
    value = parsed === null ? {} : JSON.parse(JSON.stringify(parsed));
  } catch (error) {
    throw new TaskFailure(`line ${lineNumber} is not an ION or JSON item: ${(error as Error).message}`);
  }
  if (value === null || typeof value !== 'object' || Array.isArray(value)) throw new TaskFailure(`line ${lineNumber} is not a map item: ${line}`);
  return value as Record<string, unknown>;
}
