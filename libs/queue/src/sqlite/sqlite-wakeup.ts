import { EventEmitter } from 'node:events';
import { resolve } from 'node:path';
import type { SqliteDatabase } from '@osprey/repository';

export type WakeupTopic = 'events' | 'jobs' | 'broadcast';

// One emitter per file, so every connection of this process to the same file wakes the others at once.
const emitters = new Map<string, EventEmitter>();

function emitterFor(file: string): EventEmitter {
  const key = file === ':memory:' ? file : resolve(file);
  let emitter = emitters.get(key);
  if (!emitter) {
    emitter = new EventEmitter();
    emitter.setMaxListeners(0);
    emitters.set(key, emitter);
  }
  return emitter;
}

/**
 * SQLite cannot notify other processes. Waiters are woken at once by writes of this process (an in-process
 * emitter) and, for writes of other processes, by polling `PRAGMA data_version` — a counter SQLite bumps when
 * another connection commits, which costs microseconds — every `pollMs`.
 */
export class SqliteWakeup {
  private readonly emitter: EventEmitter;
  private readonly dataVersion;

  constructor(
    file: string,
    private readonly db: SqliteDatabase,
    private readonly pollMs: number,
  ) {
    this.emitter = emitterFor(file);
    this.dataVersion = db.prepare<[], number>('PRAGMA data_version').pluck();
  }

  notify(topic: WakeupTopic): void {
    this.emitter.emit(topic);
  }

  on(topic: WakeupTopic, listener: () => void): () => void {
    this.emitter.on(topic, listener);
    return () => this.emitter.off(topic, listener);
  }

  /** Resolves on a notification of `topic`, a commit by another connection, `timeoutMs`, or abort. */
  wait(topic: WakeupTopic, timeoutMs: number, signal?: AbortSignal): Promise<void> {
    if (signal?.aborted || timeoutMs <= 0 || !this.db.open) return Promise.resolve();
    return new Promise<void>((done) => {
      const seen = this.dataVersion.get();
      const finish = () => {
        clearTimeout(timer);
        clearInterval(poll);
        this.emitter.off(topic, finish);
        signal?.removeEventListener('abort', finish);
        done();
      };
      const timer = setTimeout(finish, timeoutMs);
      const poll = setInterval(() => {
        if (!this.db.open || this.dataVersion.get() !== seen) finish();
      }, this.pollMs);
      this.emitter.on(topic, finish);
      signal?.addEventListener('abort', finish, { once: true });
    });
  }
}
