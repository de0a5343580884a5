import { createWriteStream } from 'node:fs';
import { open } from 'node:fs/promises';
import { join } from 'node:path';
import { randomUUID } from 'node:crypto';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { STORAGE_REVERSE_TASK } from '@osprey/flow-model';
import type { RunContext, TaskRunner, TaskRunnerResult } from '../task-runner.js';
import { TaskProperties } from '../support/task-properties.js';
import { TaskPropertyError } from '../support/task-errors.js';
import { storageExtension } from '../support/storage-extension.js';

/** The charsets whose line ends are single bytes, so lines can be found reading backwards byte by byte. */
const CHARSETS: Record<string, BufferEncoding> = { 'UTF-8': 'utf8', UTF8: 'utf8', 'ISO-8859-1': 'latin1', LATIN1: 'latin1', 'US-ASCII': 'ascii', ASCII: 'ascii' };
const BLOCK = 64 * 1024;
const LF = 0x0a;
const CR = 0x0d;

/**
 * `io.kestra.plugin.core.storage.Reverse`: writes the lines of a file last first, each followed by `separator`;
 * outputs its `uri`. As Kestra (Commons IO's reversed reader) does, a newline ending the file makes no empty line.
 * The file is copied to the task's folder and read backwards by blocks, never whole.
 */
export class StorageReverseTask implements TaskRunner {
  async run(ctx: RunContext): Promise<TaskRunnerResult> {
    const properties = new TaskProperties(ctx, STORAGE_REVERSE_TASK);
    const from = await properties.string('from');
    const separator = (await properties.string('separator')) ?? '\n';
    const charsetName = (await properties.string('charset')) ?? 'UTF-8';
    const encoding = CHARSETS[charsetName.toUpperCase()];
    if (!encoding) throw new TaskPropertyError('charset', `unsupported charset '${charsetName}': Osprey reverses UTF-8, ISO-8859-1 and US-ASCII files`);

    const extension = storageExtension(from);
    const local = join(await ctx.workingDirectory(), `${randomUUID()}${extension}`);
    await pipeline(await ctx.storage.get(from), createWriteStream(local));
    const tail = Buffer.from(separator, encoding);
    async function* reversed(): AsyncGenerator<Buffer> {
      let first = true;
      for await (const line of linesBackwards(local)) {
        if (first && line.length === 0) {
          first = false;
          continue;
        }
        first = false;
        yield Buffer.concat([line, tail]);
      }
    }
    const uri = await ctx.storage.putFile(`${randomUUID()}${extension}`, Readable.from(reversed(), { objectMode: false }));
    return { outputs: { uri } };
  }
}

/** The lines of a local file as bytes, last first, split on `\n`, `\r\n` or a lone `\r`. */
export async function* linesBackwards(path: string): AsyncGenerator<Buffer> {
  const file = await open(path, 'r');
  try {
    let position = (await file.stat()).size;
    if (position === 0) return;
    let pending = Buffer.alloc(0); // bytes not yet emitted: the start of the file up to `position` is still unread
    while (true) {
      if (position > 0) {
        const size = Math.min(BLOCK, position);
        position -= size;
        const block = Buffer.alloc(size);
        await file.read(block, 0, size, position);
        pending = Buffer.concat([block, pending]);
      }
      let end = pending.length;
      for (let i = pending.length - 1; i >= 0; i--) {
        const byte = pending[i];
        if (byte !== LF && byte !== CR) continue;
        // A `\n` at the block's start may be the end of a `\r\n` whose `\r` is not read yet.
        if (byte === LF && i === 0 && position > 0) break;
        const start = byte === LF && i > 0 && pending[i - 1] === CR ? i - 1 : i;
        yield pending.subarray(i + 1, end);
        end = start;
        i = start;
      }
      pending = pending.subarray(0, end);
      if (position === 0) {
        yield pending;
        return;
      }
    }
  } finally {
    await file.close();
  }
}
