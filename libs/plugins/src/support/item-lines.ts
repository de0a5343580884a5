import { createInterface } from 'node:readline';
import type { Readable } from 'node:stream';
import { readIonValues } from '@osprey/flow-model';
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
 * One item of an ION file as Kestra writes them (one value a line; JSON Lines are ION too), read as `fromIon()` reads
 * ION: timestamps and symbols as texts, decimals and floats as numbers. An empty line is an empty item.
 */
export function parseItem(line: string, lineNumber: number): Record<string, unknown> {
  let values: unknown[];
  try {
    values = readIonValues(line);
  } catch (error) {
    throw new TaskFailure(`line ${lineNumber} is not an ION or JSON item: ${(error as Error).message}`);
  }
  if (values.length > 1) throw new TaskFailure(`line ${lineNumber} holds ${values.length} values, not one item: ${line}`);
  const value = values.length === 0 ? {} : values[0];
  if (value === null || typeof value !== 'object' || Array.isArray(value)) throw new TaskFailure(`line ${lineNumber} is not a map item: ${line}`);
  return value as Record<string, unknown>;
}
