import { Writable } from 'node:stream';
import { setTimeout as wait } from 'node:timers/promises';
import { createLogger, type Logger } from '@osprey/server';

/** Helpers of the transport's tests (never in the build: src/testing is excluded). */

export type LogLine = { level: string; msg: string; err?: { message: string } } & Record<string, unknown>;

/** A logger whose JSON lines the test reads back. */
export function recordingLogger(): { logger: Logger; lines: LogLine[] } {
  const lines: LogLine[] = [];
  const destination = new Writable({
    write: (chunk, _e, cb) => {
      for (const line of String(chunk).split('\n')) if (line.trim() !== '') lines.push(JSON.parse(line) as LogLine);
      cb();
    },
  });
  return { logger: createLogger({ service: 'test', instance: 'test', level: 'debug', destination }), lines };
}

/** Polls `probe` until it gives a value (not undefined or false), and returns it. */
export async function until<T>(probe: () => T | undefined | false | Promise<T | undefined | false>, timeoutMs = 10_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined && value !== false) return value;
    if (Date.now() > deadline) throw new Error('timed out');
    await wait(5);
  }
}

/** A promise with its resolve and reject at hand: a handler the test ends when it wants. */
export interface Deferred {
  promise: Promise<void>;
  resolve: () => void;
  reject: (error: unknown) => void;
}

export function deferred(): Deferred {
  let resolve!: () => void;
  let reject!: (error: unknown) => void;
  const promise = new Promise<void>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  return { promise, resolve, reject };
}
