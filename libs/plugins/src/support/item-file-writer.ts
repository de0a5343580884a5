import { createReadStream, createWriteStream, type WriteStream } from 'node:fs';
import { once } from 'node:events';
import { join } from 'node:path';
import { randomUUID } from 'node:crypto';
import type { RunContext } from '../task-runner.js';

/** An `.ion` file of items written line by line to the task's folder, then stored: never held in memory. */
export class ItemFileWriter {
  private constructor(
    private readonly path: string,
    private readonly out: WriteStream,
  ) {}

  static async open(ctx: RunContext): Promise<ItemFileWriter> {
    const path = join(await ctx.workingDirectory(), `${randomUUID()}.ion`);
    return new ItemFileWriter(path, createWriteStream(path));
  }

  /** Writes an item's line as it was read, with a newline. */
  async write(line: string): Promise<void> {
    if (!this.out.write(`${line}\n`)) await once(this.out, 'drain');
  }

  /** Closes the file and stores it; returns its `kestra://` URI. */
  async store(ctx: RunContext): Promise<string> {
    this.out.end();
    if (!this.out.closed) await once(this.out, 'close');
    return ctx.storage.putFile(`${randomUUID()}.ion`, createReadStream(this.path));
  }
}
