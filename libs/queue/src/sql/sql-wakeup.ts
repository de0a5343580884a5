import { EventEmitter } from 'node:events';
import pg from 'pg';

export type SqlWakeupTopic = 'events' | 'jobs' | 'broadcast';

const TOPICS: readonly SqlWakeupTopic[] = ['events', 'jobs', 'broadcast'];

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
  protected readonly emitter = new EventEmitter();
  protected closed = false;

  constructor(private readonly capMs: number) {
    this.emitter.setMaxListeners(0);
  }

  abstract notify(topic: SqlWakeupTopic): void;

  on(topic: SqlWakeupTopic, listener: () => void): () => void {
    this.emitter.on(topic, listener);
    return () => this.emitter.off(topic, listener);
  }

  wait(topic: SqlWakeupTopic, timeoutMs: number, signal?: AbortSignal): Promise<void> {
    if (signal?.aborted || timeoutMs <= 0 || this.closed) return Promise.resolve();
    return new Promise<void>((done) => {
      const finish = () => {
        clearTimeout(timer);
        this.emitter.off(topic, finish);
        this.emitter.off('close', finish);
        signal?.removeEventListener('abort', finish);
        done();
      };
      const timer = setTimeout(finish, Math.min(timeoutMs, this.capMs));
      this.emitter.on(topic, finish);
      this.emitter.on('close', finish);
      signal?.addEventListener('abort', finish, { once: true });
    });
  }

  async close(): Promise<void> {
    this.closed = true;
    this.emitter.emit('close');
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
  private client: pg.Client | undefined;
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

  private lost(client: pg.Client): void {
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
    }, 500);
    this.reconnect.unref();
  }

  override async close(): Promise<void> {
    await super.close();
    clearTimeout(this.reconnect);
    const client = this.client;
    this.client = undefined;
    await client?.end().catch(() => undefined);
  }
}
