import { EventEmitter } from 'node:events';
import { resolve } from 'node:path';
import type { Client } from 'pg';
import type { SqlDatabase } from '@osprey/sql';

export type SqlWakeupTopic = 'events' | 'jobs' | 'broadcast';

const TOPICS: readonly SqlWakeupTopic[] = ['events', 'jobs', 'broadcast'];
/** Wait before listening again after the notification connection broke. */
const RECONNECT_MS = 500;

/** Wakes waiting consumers when rows they may take were written, by this process or another. */
export interface SqlWakeup {
  /** Called after this process committed rows of `topic`. */
  notify(topic: SqlWakeupTopic): void;
  on(topic: SqlWakeupTopic, listener: () => void): () => void;
  /** Resolves on a wake-up of `topic`, `timeoutMs`, or abort. */
  wait(topic: SqlWakeupTopic, timeoutMs: number, signal?: AbortSignal): Promise<void>;
  close(): Promise<void>;
}

abstract class EmitterWakeup implements SqlWakeup {
  protected closed = false;
  private readonly closing = new EventEmitter();

  constructor(
    private readonly capMs: number,
    protected readonly emitter = new EventEmitter(),
  ) {
    this.emitter.setMaxListeners(0);
    this.closing.setMaxListeners(0);
  }

  abstract notify(topic: SqlWakeupTopic): void;

  on(topic: SqlWakeupTopic, listener: () => void): () => void {
    this.emitter.on(topic, listener);
    return () => this.emitter.off(topic, listener);
  }

  wait(topic: SqlWakeupTopic, timeoutMs: number, signal?: AbortSignal): Promise<void> {
    if (signal?.aborted || timeoutMs <= 0 || this.closed) return Promise.resolve();
    return new Promise<void>((done) => {
      let stopWatching = () => {};
      let finished = false;
      const finish = () => {
        if (finished) return;
        finished = true;
        clearTimeout(timer);
        stopWatching();
        this.emitter.off(topic, finish);
        this.closing.off('close', finish);
        signal?.removeEventListener('abort', finish);
        done();
      };
      const timer = setTimeout(finish, Math.min(timeoutMs, this.capMs));
      this.emitter.on(topic, finish);
      this.closing.on('close', finish);
      signal?.addEventListener('abort', finish, { once: true });
      stopWatching = this.watch(finish);
    });
  }

  /** Calls `wake` on a change this wake-up finds by itself while a waiter waits; returns how to stop looking. */
  protected watch(_wake: () => void): () => void {
    return () => undefined;
  }

  async close(): Promise<void> {
    this.closed = true;
    this.closing.emit('close');
  }
}

/**
 * MySQL/MariaDB have no notifications: waiters wake at once on writes of this process and, for writes of other
 * processes, after at most `pollMs` (then they look with one indexed query).
 */
export class PollingWakeup extends EmitterWakeup {
  constructor(pollMs: number) {
    super(pollMs);
  }

  notify(topic: SqlWakeupTopic): void {
    this.emitter.emit(topic);
  }
}

/**
 * PostgreSQL LISTEN on a dedicated connection (outside the pool): the queue tables' triggers NOTIFY at commit,
 * so waiters in every process wake without polling. A lost connection is reopened, and waiters are woken then
 * because notifications may have been missed meanwhile.
 */
export class ListenWakeup extends EmitterWakeup {
  private client: Client | undefined;
  private reconnect: NodeJS.Timeout | undefined;

  private constructor(
    private readonly url: string,
    private readonly onError: (error: unknown) => void,
  ) {
    super(2 ** 31 - 1);
  }

  static async open(url: string, onError: (error: unknown) => void): Promise<ListenWakeup> {
    const wakeup = new ListenWakeup(url, onError);
    await wakeup.connect();
    return wakeup;
  }

  /** NOTIFY already reaches this process's own listener. */
  notify(): void {}

  private async connect(): Promise<void> {
    // Loaded on PostgreSQL only: SQLite and MySQL processes never need the driver.
    const { default: pg } = await import('pg');
    const client = new pg.Client({ connectionString: this.url });
    client.on('notification', (message) => {
      const topic = message.channel.replace(/^osprey_/, '') as SqlWakeupTopic;
      this.emitter.emit(topic);
    });
    client.on('error', (error) => {
      this.onError(error);
      this.lost(client);
    });
    client.on('end', () => this.lost(client));
    await client.connect();
    await client.query(TOPICS.map((topic) => `LISTEN osprey_${topic}`).join('; '));
    if (this.closed) {
      await client.end();
      return;
    }
    this.client = client;
    // Notifications sent while no connection listened are lost: let every waiter look once.
    for (const topic of TOPICS) this.emitter.emit(topic);
  }

  private lost(client: Client): void {
    if (this.client !== client || this.closed) return;
    this.client = undefined;
    for (const topic of TOPICS) this.emitter.emit(topic);
    this.scheduleReconnect();
  }

  private scheduleReconnect(): void {
    clearTimeout(this.reconnect);
    this.reconnect = setTimeout(() => {
      this.connect().catch((error: unknown) => {
        this.onError(error);
        if (!this.closed) this.scheduleReconnect();
      });
    }, RECONNECT_MS);
    this.reconnect.unref();
  }

  override async close(): Promise<void> {
    await super.close();
    clearTimeout(this.reconnect);
    const client = this.client;
    this.client = undefined;
    // Cleanup at close: a connection that already broke cannot end cleanly, and nothing is left to release.
    await client?.end().catch(() => undefined);
  }
}

// One emitter per SQLite file, so every queue of this process on the same file wakes the others at once.
const fileEmitters = new Map<string, EventEmitter>();

function emitterOfFile(file: string): EventEmitter {
  if (file === ':memory:' || file === '') return new EventEmitter();
  const key = resolve(file);
  let emitter = fileEmitters.get(key);
  if (!emitter) fileEmitters.set(key, (emitter = new EventEmitter()));
  return emitter;
}

/**
 * SQLite cannot notify other processes. Waiters wake at once on writes of this process (an emitter per file) and,
 * for commits of other processes (`osprey server` split into webserver, executor and worker on one file), by
 * polling `PRAGMA data_version` — a counter SQLite bumps when another connection commits, read in microseconds —
 * every `pollMs` while they wait.
 */
export class SqliteWakeup extends EmitterWakeup {
  constructor(
    file: string,
    private readonly db: SqlDatabase,
    private readonly pollMs: number,
  ) {
    super(2 ** 31 - 1, emitterOfFile(file));
  }

  notify(topic: SqlWakeupTopic): void {
    this.emitter.emit(topic);
  }

  protected override watch(wake: () => void): () => void {
    if (!this.db.open) {
      setImmediate(wake);
      return () => undefined;
    }
    const seen = this.db.dataVersion();
    const poll = setInterval(() => {
      if (!this.db.open || this.db.dataVersion() !== seen) wake();
    }, this.pollMs);
    return () => clearInterval(poll);
  }
}
