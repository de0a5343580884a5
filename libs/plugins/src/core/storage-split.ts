import { createReadStream, createWriteStream, type WriteStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import { join } from 'node:path';
import { once } from 'node:events';
import { randomUUID } from 'node:crypto';
import { STORAGE_SPLIT_TASK, type PropertiesOf } from '@osprey/flow-model';
import type { RunContext, TaskRunner, TaskRunnerResult } from '../task-runner.js';
import { TaskProperties } from '../support/task-properties.js';
import { TaskPropertyError } from '../support/task-errors.js';
import { readLines } from '../support/item-lines.js';
import { storageExtension } from '../support/storage-extension.js';

const UNITS: Record<string, number> = { '': 1, KB: 1024, MB: 1024 ** 2, GB: 1024 ** 3 };

/** `10MB`, `200KB`, `1GB` or a number of bytes (units of 1024, as Kestra reads them). */
export function parseByteSize(text: string): number {
  const match = /^(\d+)\s*(KB|MB|GB)?$/i.exec(text.trim());
  if (!match || Number(match[1]) === 0) throw new TaskPropertyError('bytes', `invalid size '${text}': expected a number of bytes or a size such as 10MB, 200KB, 1GB`);
  return Number(match[1]) * UNITS[(match[2] ?? '').toUpperCase()]!;
}

/** At most `rows` lines a part, about `bytes` bytes a part, or `partitions` parts the lines are dealt to in turn. */
export type SplitRule = { bytes: number } | { rows: number } | { partitions: number };

/**
 * `io.kestra.plugin.core.storage.Split`: splits a file by lines into parts of at most `rows` lines, of about `bytes`
 * bytes (a part ends at the first line that reaches the size), or into `partitions` parts that the lines are dealt
 * to in turn; each line is written with `separator` after it. Outputs the parts' `uris`. Parts are written to the
 * task's folder first, so the file is never held in memory.
 */
export class StorageSplitTask implements TaskRunner {
  async run(ctx: RunContext): Promise<TaskRunnerResult> {
    const properties = new TaskProperties(ctx, STORAGE_SPLIT_TASK);
    const from = await properties.string('from');
    const given = (['bytes', 'partitions', 'rows'] as const).filter((name) => properties.has(name));
    if (given.length !== 1) {
      throw new TaskPropertyError(given[1] ?? 'bytes', given.length === 0 ? 'one of bytes, partitions or rows is required' : `only one of bytes, partitions or rows may be set, not ${given.join(' and ')}`);
    }
    const rule = await this.rule(properties, given[0]!);
    const separator = (await properties.string('separator')) ?? '\n';
    return { outputs: { uris: await splitFile(ctx, from, rule, separator) } };
  }

  private async rule(properties: TaskProperties<PropertiesOf<typeof STORAGE_SPLIT_TASK>>, name: 'bytes' | 'partitions' | 'rows'): Promise<SplitRule> {
    if (name === 'bytes') return { bytes: parseByteSize((await properties.string('bytes'))!) };
    const value = (await properties.integer(name))!;
    if (value < 1) throw new TaskPropertyError(name, `must be at least 1 but got ${value}`);
    return name === 'rows' ? { rows: value } : { partitions: value };
  }
}

/**
 * Splits the file at `from` by lines (`rule`), each line written with `separator` after it, and stores the parts;
 * returns their URIs in order, parts without a line left out. Parts are written to the task's folder first.
 */
export async function splitFile(ctx: RunContext, from: string, rule: SplitRule, separator: string): Promise<string[]> {
  const extension = storageExtension(from);
  const folder = await ctx.workingDirectory();
  const parts: { path: string; out: WriteStream; bytes: number; rows: number }[] = [];
  const open = () => {
    const path = join(folder, `${randomUUID()}${extension}`);
    const part = { path, out: createWriteStream(path), bytes: 0, rows: 0 };
    parts.push(part);
    return part;
  };
  const write = async (part: (typeof parts)[number], line: string) => {
    const bytes = Buffer.from(line + separator, 'utf8');
    if (!part.out.write(bytes)) await once(part.out, 'drain');
    part.bytes += bytes.length;
    part.rows += 1;
  };

  if ('partitions' in rule) for (let i = 0; i < rule.partitions; i++) open();
  let index = 0;
  for await (const line of readLines(await ctx.storage.get(from))) {
    if ('partitions' in rule) {
      await write(parts[index]!, line);
      index = (index + 1) % rule.partitions;
      continue;
    }
    let current = parts[parts.length - 1];
    if (!current || ('bytes' in rule ? current.bytes >= rule.bytes : current.rows >= rule.rows)) {
      current?.out.end();
      current = open();
    }
    await write(current, line);
  }
  await Promise.all(parts.map(async (part) => {
    if (!part.out.writableEnded) part.out.end();
    if (!part.out.closed) await once(part.out, 'close');
  }));

  const uris: string[] = [];
  for (const part of parts) {
    if ((await stat(part.path)).size === 0) continue; // partitions that got no line
    uris.push(await ctx.storage.putFile(`${randomUUID()}${extension}`, createReadStream(part.path)));
  }
  return uris;
}
